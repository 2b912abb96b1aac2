use quotaplan::scenario::{self, Purpose};
struct L;
impl scenario::SourceLoader for L {
    fn load(&self, from: &str, path: &str) -> Result<(String, String), String> {
        let p = std::path::Path::new(from).parent().unwrap().join(path);
        std::fs::read_to_string(&p)
            .map(|t| (p.display().to_string(), t))
            .map_err(|e| e.to_string())
    }
}
fn main() {
    let f = std::env::args().nth(1).unwrap();
    let trials: u64 = std::env::args()
        .nth(2)
        .map_or(10000, |s| s.parse().unwrap());
    let text = std::fs::read_to_string(&f).unwrap();
    let t = std::time::Instant::now();
    let l = scenario::load(&f, &text, &L, Purpose::Simulate);
    println!("load {:?}", t.elapsed());
    for p in l.problems.iter().take(5) {
        println!("{}", p.plain(&l.sources));
    }
    if let Some(m) = &l.model {
        for th in [1, 2] {
            let t = std::time::Instant::now();
            let r = quotaplan::engine::simulate(
                m,
                &quotaplan::engine::SimOptions {
                    trials,
                    seed: m.seed,
                    threads: Some(th),
                },
                None,
            )
            .unwrap();
            let e = t.elapsed().as_secs_f64();
            println!(
                "threads {th}: {e:.3}s  {:.1} M unit-trials/s",
                m.units.len() as f64 * trials as f64 / e / 1e6
            );
            let t = std::time::Instant::now();
            let _s = quotaplan::report::summarise(m, &r, vec![]);
            println!("summarise {:?}", t.elapsed());
        }
    }
}
