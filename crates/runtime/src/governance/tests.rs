//! Tests of the hyperparameter setters.
