//! Named chain parameters → the AdminUtils call that sets them (`agora subnet
//! hyperparameters set` signed by the owner, `agora sudo set` wrapped in `Sudo::sudo`).
//!
//! Subnet parameter names are those of `get_subnet_hyperparams_v3` (what `hyperparameters get`
//! prints), so a name read can be written back; global ones are the reference's storage names
//! in snake case. Whether the owner may set a parameter or only root is the chain's decision
//! (`BadOrigin` otherwise), as are rate limits and the admin freeze window.

use agora_runtime::governance::AdminCall as A;

use crate::exit::{Exit, fail};

/// Whether a parameter belongs to a subnet or to the whole chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Needs `--netuid`.
    Subnet,
    /// Chain-wide (root only).
    Global,
}

/// A parameter's value as typed by the user.
pub struct Value<'a>(pub &'a str);

impl Value<'_> {
    fn int<T: std::str::FromStr>(&self, what: &str) -> anyhow::Result<T> {
        self.0
            .trim()
            .replace('_', "")
            .parse::<T>()
            .or_else(|_| fail(Exit::Usage, format!("{:?} is not a valid {what}", self.0)))
    }
    fn u8(&self) -> anyhow::Result<u8> {
        self.int("integer in 0..=255")
    }
    fn u16(&self) -> anyhow::Result<u16> {
        self.int("integer in 0..=65535")
    }
    fn u32(&self) -> anyhow::Result<u32> {
        self.int("integer in 0..=4294967295")
    }
    fn u64(&self) -> anyhow::Result<u64> {
        self.int("non-negative integer")
    }
    fn i16(&self) -> anyhow::Result<i16> {
        self.int("integer in -32768..=32767")
    }
    fn bool(&self) -> anyhow::Result<bool> {
        match self.0.trim() {
            "true" | "1" | "on" | "yes" => Ok(true),
            "false" | "0" | "off" | "no" => Ok(false),
            other => fail(Exit::Usage, format!("{other:?} is not true or false")),
        }
    }
}

type Build = fn(u16, &Value<'_>) -> anyhow::Result<A>;

/// One settable parameter.
pub struct Param {
    /// Its name.
    pub name: &'static str,
    /// Subnet or global.
    pub scope: Scope,
    /// Builds the setter call for a netuid (ignored for globals) and a value.
    pub build: Build,
}

macro_rules! params {
    ($($name:literal $scope:ident |$n:ident, $v:ident| $e:expr;)*) => {
        /// Every parameter the CLI can set, by name.
        pub const PARAMS: &[Param] = &[$(Param {
            name: $name,
            scope: Scope::$scope,
            build: |$n, $v| { let _ = $n; Ok($e) },
        },)*];
    };
}

params! {
    "tempo" Subnet |netuid, v| A::sudo_set_tempo { netuid, tempo: v.u16()? };
    "kappa" Subnet |netuid, v| A::sudo_set_kappa { netuid, kappa: v.u16()? };
    "rho" Subnet |netuid, v| A::sudo_set_rho { netuid, rho: v.u16()? };
    "immunity_period" Subnet |netuid, v| A::sudo_set_immunity_period { netuid, immunity_period: v.u16()? };
    "min_allowed_weights" Subnet |netuid, v| A::sudo_set_min_allowed_weights { netuid, min_allowed_weights: v.u16()? };
    "max_allowed_uids" Subnet |netuid, v| A::sudo_set_max_allowed_uids { netuid, max_allowed_uids: v.u16()? };
    "min_allowed_uids" Subnet |netuid, v| A::sudo_set_min_allowed_uids { netuid, min_allowed_uids: v.u16()? };
    "weights_version" Subnet |netuid, v| A::sudo_set_weights_version_key { netuid, weights_version_key: v.u64()? };
    "weights_rate_limit" Subnet |netuid, v| A::sudo_set_weights_set_rate_limit { netuid, weights_set_rate_limit: v.u64()? };
    "activity_cutoff" Subnet |netuid, v| A::sudo_set_activity_cutoff { netuid, activity_cutoff: v.u16()? };
    "registration_allowed" Subnet |netuid, v| A::sudo_set_network_registration_allowed { netuid, registration_allowed: v.bool()? };
    "target_regs_per_interval" Subnet |netuid, v| A::sudo_set_target_registrations_per_interval { netuid, target_registrations_per_interval: v.u16()? };
    "min_burn" Subnet |netuid, v| A::sudo_set_min_burn { netuid, min_burn: v.u64()? };
    "max_burn" Subnet |netuid, v| A::sudo_set_max_burn { netuid, max_burn: v.u64()? };
    "burn_half_life" Subnet |netuid, v| A::sudo_set_burn_half_life { netuid, burn_half_life: v.u16()? };
    "bonds_moving_avg" Subnet |netuid, v| A::sudo_set_bonds_moving_average { netuid, bonds_moving_average: v.u64()? };
    "bonds_penalty" Subnet |netuid, v| A::sudo_set_bonds_penalty { netuid, bonds_penalty: v.u16()? };
    "max_regs_per_block" Subnet |netuid, v| A::sudo_set_max_registrations_per_block { netuid, max_registrations_per_block: v.u16()? };
    "serving_rate_limit" Subnet |netuid, v| A::sudo_set_serving_rate_limit { netuid, serving_rate_limit: v.u64()? };
    "max_validators" Subnet |netuid, v| A::sudo_set_max_allowed_validators { netuid, max_allowed_validators: v.u16()? };
    "commit_reveal_weights_enabled" Subnet |netuid, v| A::sudo_set_commit_reveal_weights_enabled { netuid, enabled: v.bool()? };
    "commit_reveal_period" Subnet |netuid, v| A::sudo_set_commit_reveal_weights_interval { netuid, interval: v.u64()? };
    "liquid_alpha_enabled" Subnet |netuid, v| A::sudo_set_liquid_alpha_enabled { netuid, enabled: v.bool()? };
    "alpha_sigmoid_steepness" Subnet |netuid, v| A::sudo_set_alpha_sigmoid_steepness { netuid, steepness: v.i16()? };
    "yuma3_enabled" Subnet |netuid, v| A::sudo_set_yuma3_enabled { netuid, enabled: v.bool()? };
    "transfers_enabled" Subnet |netuid, v| A::sudo_set_toggle_transfer { netuid, toggle: v.bool()? };
    "bonds_reset_enabled" Subnet |netuid, v| A::sudo_set_bonds_reset_enabled { netuid, enabled: v.bool()? };
    "subnet_is_active" Subnet |netuid, v| A::sudo_set_subtoken_enabled { netuid, subtoken_enabled: v.bool()? };
    "immune_owner_uids_limit" Subnet |netuid, v| A::sudo_set_owner_immune_neuron_limit { netuid, immune_neurons: v.u16()? };
    "owner_cut_enabled" Subnet |netuid, v| A::sudo_set_owner_cut_enabled { netuid, enabled: v.bool()? };
    "min_childkey_take" Subnet |netuid, v| A::sudo_set_min_childkey_take_per_subnet { netuid, take: v.u16()? };
    "subnet_emission_enabled" Subnet |netuid, v| A::sudo_set_subnet_emission_enabled { netuid, enabled: v.bool()? };
    "difficulty" Subnet |netuid, v| A::sudo_set_difficulty { netuid, difficulty: v.u64()? };
    "min_difficulty" Subnet |netuid, v| A::sudo_set_min_difficulty { netuid, min_difficulty: v.u64()? };
    "max_difficulty" Subnet |netuid, v| A::sudo_set_max_difficulty { netuid, max_difficulty: v.u64()? };
    "adjustment_alpha" Subnet |netuid, v| A::sudo_set_adjustment_alpha { netuid, adjustment_alpha: v.u64()? };
    "adjustment_interval" Subnet |netuid, v| A::sudo_set_adjustment_interval { netuid, adjustment_interval: v.u16()? };
    "mechanism_count" Subnet |netuid, v| A::sudo_set_mechanism_count { netuid, mechanism_count: v.u8()? };
    "network_rate_limit" Global |_n, v| A::sudo_set_network_rate_limit { rate_limit: v.u64()? };
    "tx_rate_limit" Global |_n, v| A::sudo_set_tx_rate_limit { tx_rate_limit: v.u64()? };
    "network_min_lock_cost" Global |_n, v| A::sudo_set_network_min_lock_cost { lock_cost: v.u64()? };
    "lock_reduction_interval" Global |_n, v| A::sudo_set_lock_reduction_interval { interval: v.u64()? };
    "network_immunity_period" Global |_n, v| A::sudo_set_network_immunity_period { immunity_period: v.u64()? };
    "subnet_limit" Global |_n, v| A::sudo_set_subnet_limit { max_subnets: v.u16()? };
    "max_delegate_take" Global |_n, v| A::sudo_set_default_take { default_take: v.u16()? };
    "min_delegate_take" Global |_n, v| A::sudo_set_min_delegate_take { take: v.u16()? };
    "subnet_owner_cut" Global |_n, v| A::sudo_set_subnet_owner_cut { subnet_owner_cut: v.u16()? };
    "stake_threshold" Global |_n, v| A::sudo_set_stake_threshold { min_stake: v.u64()? };
    "nominator_min_required_stake" Global |_n, v| A::sudo_set_nominator_min_required_stake { min_stake: v.u64()? };
    "tx_delegate_take_rate_limit" Global |_n, v| A::sudo_set_tx_delegate_take_rate_limit { tx_rate_limit: v.u64()? };
    "start_call_delay" Global |_n, v| A::sudo_set_start_call_delay { delay: v.u64()? };
    "admin_freeze_window" Global |_n, v| A::sudo_set_admin_freeze_window { window: v.u16()? };
    "owner_hparam_rate_limit" Global |_n, v| A::sudo_set_owner_hparam_rate_limit { epochs: v.u16()? };
    "max_epochs_per_block" Global |_n, v| A::sudo_set_max_epochs_per_block { max_epochs_per_block: v.u8()? };
    "coldkey_swap_announcement_delay" Global |_n, v| A::sudo_set_coldkey_swap_announcement_delay { duration: v.u32()? };
}

/// Looks a parameter up; an unknown name lists the known ones.
pub fn find(name: &str) -> anyhow::Result<&'static Param> {
    if let Some(p) = PARAMS.iter().find(|p| p.name == name) {
        return Ok(p);
    }
    let names: Vec<&str> = PARAMS.iter().map(|p| p.name).collect();
    fail(
        Exit::Usage,
        format!("unknown parameter {name:?}; known: {}", names.join(", ")),
    )
}

/// The setter call for `name = value` (on `netuid` for subnet parameters).
pub fn setter(name: &str, netuid: Option<u16>, value: &str) -> anyhow::Result<(Scope, A)> {
    let p = find(name)?;
    let n = match (p.scope, netuid) {
        (Scope::Subnet, Some(n)) => n,
        (Scope::Subnet, None) => {
            return fail(
                Exit::Usage,
                format!("{name} is a subnet parameter: pass --netuid"),
            );
        }
        (Scope::Global, _) => 0,
    };
    Ok((p.scope, (p.build)(n, &Value(value))?))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    #[test]
    fn setters_and_errors() {
        let (s, c) = setter("tempo", Some(3), "10").unwrap();
        assert_eq!(s, Scope::Subnet);
        assert_eq!(
            c,
            A::sudo_set_tempo {
                netuid: 3,
                tempo: 10
            }
        );
        let (_, c) = setter("commit_reveal_weights_enabled", Some(1), "true").unwrap();
        assert_eq!(
            c,
            A::sudo_set_commit_reveal_weights_enabled {
                netuid: 1,
                enabled: true
            }
        );
        let (s, c) = setter("network_rate_limit", None, "0").unwrap();
        assert_eq!(s, Scope::Global);
        assert_eq!(c, A::sudo_set_network_rate_limit { rate_limit: 0 });
        assert!(setter("tempo", None, "10").is_err());
        assert!(setter("tempo", Some(1), "70000").is_err());
        assert!(setter("tempo", Some(1), "-1").is_err());
        assert!(setter("registration_allowed", Some(1), "maybe").is_err());
        let e = setter("nope", Some(1), "1").unwrap_err();
        assert!(e.to_string().contains("known: tempo"), "{e}");
        let mut names: Vec<_> = PARAMS.iter().map(|p| p.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), PARAMS.len());
    }

    #[test]
    fn subnet_names_are_those_hyperparameters_get_prints() {
        let chain = agora_runtime::testing::TestChain::new(
            &serde_json::from_str(include_str!("../../../../genesis/local.json")).unwrap(),
        );
        let v3 = chain.read(|st| agora_runtime::info::subnet_hyperparams_v3(st, 1).unwrap());
        let readable: Vec<String> = v3
            .iter()
            .map(|e| String::from_utf8_lossy(&e.name).into_owned())
            .collect();
        for p in PARAMS.iter().filter(|p| p.scope == Scope::Subnet) {
            let aliases = [
                "yuma3_enabled",
                "min_allowed_uids",
                "difficulty",
                "min_difficulty",
                "max_difficulty",
                "adjustment_alpha",
                "adjustment_interval",
                "mechanism_count",
                "bonds_penalty",
                "immune_owner_uids_limit",
                "subnet_emission_enabled",
                "max_allowed_uids",
                "kappa",
                "rho",
            ];
            assert!(
                readable.iter().any(|r| r == p.name) || aliases.contains(&p.name),
                "{} is not a v3 name",
                p.name
            );
        }
    }
}
