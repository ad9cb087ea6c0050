//! Tests of the weights module.
