//! Wallets made by the reference (bittensor_wallet 4.1.1, installed with bittensor 10.5.0)
//! open in Agora with the same addresses, and wallets made by Agora open in the reference.

mod common;

use std::time::Duration;

use agora_primitives::{AccountId, Signature, crypto::verify};
use agora_sdk::wallet::{self, Wallet};
use serde_json::Value;

const PASSWORD: &str = "correct horse battery staple";

fn tempdir() -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("agora-wallet-interop-{}", agora_sdk::util::uuid4()));
    std::fs::create_dir_all(&d).expect("tempdir");
    d
}

async fn tool(py: &std::path::PathBuf, mode: &str, root: &std::path::Path) -> Value {
    let out = common::run(
        common::script(
            py,
            "wallet_tool.py",
            &[mode, root.to_str().expect("utf-8"), "w", "h", PASSWORD],
            root,
        ),
        Duration::from_secs(120),
    )
    .await;
    // btwallet prints progress ("Encrypting...") on stdout: the JSON is the last line.
    serde_json::from_str(out.trim().lines().last().unwrap_or("")).expect("json")
}

fn ss58(v: &Value, k: &str) -> AccountId {
    AccountId::from_ss58(v[k].as_str().expect("string"))
        .expect("ss58")
        .0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reference_wallet_opens_in_agora() {
    let Some(py) = common::python("bt10") else {
        return;
    };
    let root = tempdir();
    let made = tool(&py, "create", &root).await;
    let w = Wallet::new(&root, "w").expect("name");
    assert!(w.coldkey_is_encrypted().expect("read"));
    let cold = w
        .coldkey(PASSWORD)
        .expect("decrypt the reference's $NACL coldkey");
    assert_eq!(cold.public(), ss58(&made, "coldkey"));
    assert_eq!(w.coldkeypub().expect("pub"), ss58(&made, "coldkeypub"));
    assert_eq!(
        w.hotkey("h", None).expect("hotkey").public(),
        ss58(&made, "hotkey")
    );
    assert_eq!(w.hotkeypub("h").expect("hotkeypub"), ss58(&made, "hotkey"));
    assert!(matches!(
        w.coldkey("wrong"),
        Err(wallet::WalletError::Nacl { .. })
    ));
    // The reference's signatures verify under the keys we read.
    let sig: Signature = made["coldkey_signature"]
        .as_str()
        .expect("sig")
        .parse()
        .expect("hex");
    assert!(verify(&cold.public(), b"agora wallet interop", &sig));
    std::fs::remove_dir_all(&root).expect("cleanup");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agora_wallet_opens_in_the_reference() {
    let Some(py) = common::python("bt10") else {
        return;
    };
    let root = tempdir();
    let w = Wallet::new(&root, "w").expect("name");
    let cold = wallet::generate(12).expect("generate");
    let hot = wallet::generate(24).expect("generate");
    w.set_coldkey(&cold, PASSWORD, false)
        .expect("write coldkey");
    w.set_hotkey("h", &hot, None, false).expect("write hotkey");
    let opened = tool(&py, "open", &root).await;
    assert_eq!(ss58(&opened, "coldkey"), cold.keypair.public());
    assert_eq!(ss58(&opened, "coldkeypub"), cold.keypair.public());
    assert_eq!(ss58(&opened, "hotkey"), hot.keypair.public());
    assert_eq!(ss58(&opened, "hotkeypub"), hot.keypair.public());
    for (k, key) in [("coldkey_signature", &cold), ("hotkey_signature", &hot)] {
        let sig: Signature = opened[k].as_str().expect("sig").parse().expect("hex");
        assert!(
            verify(&key.keypair.public(), b"agora wallet interop", &sig),
            "{k}"
        );
    }
    // Our private key field is what the reference would write for the same key: reading it
    // back through the privateKey path alone gives the same account.
    let data = std::fs::read(w.hotkey_path("h").expect("path")).expect("read");
    let v: Value = serde_json::from_slice(&data).expect("json");
    let only_sk = serde_json::json!({"privateKey": v["privateKey"]}).to_string();
    assert_eq!(
        wallet::keyfile::deserialize(only_sk.as_bytes())
            .expect("sk")
            .account(),
        hot.keypair.public()
    );
    std::fs::remove_dir_all(&root).expect("cleanup");
}
