use quotaplan::scenario::{self, Purpose};
struct L;
impl scenario::SourceLoader for L {
    fn load(&self, from: &str, path: &str) -> Result<(String, String), String> {
        let p = std::path::Path::new(from).parent().unwrap().join(path);
        std::fs::read_to_string(&p).map(|t| (p.display().to_string(), t)).map_err(|e| e.to_string())
    }
}
fn main() {
    let f = std::env::args().nth(1).unwrap();
    let text = std::fs::read_to_string(&f).unwrap();
    let l = scenario::load(&f, &text, &L, Purpose::Simulate);
    for p in &l.problems { println!("{}", p.plain(&l.sources)); }
    if let Some(m) = &l.model {
        let t = std::time::Instant::now();
        let r = quotaplan::engine::simulate(m, &quotaplan::engine::SimOptions { trials: m.trials, seed: m.seed, threads: None }, None).unwrap();
        let s = quotaplan::report::summarise(m, &r, vec![]);
        println!("{}", quotaplan::report::summary_table(&s));
        println!("{:?}", t.elapsed());
    }
}
