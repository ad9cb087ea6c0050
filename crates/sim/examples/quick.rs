//! Ad-hoc run of a scenario file, printing the summary (development aid).
fn main() {
    let path = std::env::args().nth(1).expect("scenario path");
    let text = std::fs::read_to_string(path).expect("read");
    let s = agora_sim::Scenario::from_toml(&text).expect("scenario");
    let t = std::time::Instant::now();
    let out = agora_sim::run(&s).expect("run");
    eprintln!("{} blocks in {:?}", out.summary.blocks, t.elapsed());
    println!("{}", serde_json::to_string_pretty(&out.summary).unwrap());
    for l in &out.log {
        eprintln!("log: {l}");
    }
    if let Some(r) = out.records.last() {
        println!("{}", serde_json::to_string_pretty(r).unwrap());
    }
}
