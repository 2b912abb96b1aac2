//! A corpus of hostile and careless inputs, each run through the real
//! binary: Excel exports from Windows (GBK, UTF-16, BOM, CRLF, semicolons,
//! decimal commas), percentages typed for fractions, absurd sizes and
//! counts, special files (FIFOs, `/dev/zero`), `extends` cycles, control
//! characters, broken syntax. Every case must end within its time limit,
//! never panic, keep stderr bounded, and either
//! - fail with the expected exit code and a message naming the place
//!   (file:line:col, or the argument) and what is allowed, leaving the
//!   previous results untouched and nothing else behind, or
//! - succeed with the expected warning, or
//! - succeed with exactly the results of the clean demo (an encoding or
//!   layout that was read correctly).

use crate::common::{repo, tmp};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const LIMIT: Duration = Duration::from_secs(60);
/// Generous: the demo's own warnings plus a few problems with snippets.
const STDERR_MAX: usize = 24 * 1024;

#[derive(Clone, Debug)]
enum Want {
    /// Exit code and fragments of stderr.
    Fail(i32, Vec<String>),
    /// Success with these fragments of stderr (warnings).
    Warn(Vec<String>),
    /// Success with the clean demo's `reps.csv` and `summary.json`, and
    /// these fragments of stderr (notes on how the file was read).
    Same(Vec<String>),
}

#[derive(Clone, Debug)]
enum Entry {
    File(Vec<u8>),
    Fifo,
    Link(PathBuf),
    Dir,
}

#[derive(Clone, Debug)]
struct Case {
    name: String,
    entries: Vec<(String, Entry)>,
    args: Vec<String>,
    env: Vec<(String, String)>,
    want: Want,
    /// Texts stderr must not contain (file contents, misleading messages).
    absent: Vec<String>,
    /// A tighter bound on stderr than [`STDERR_MAX`] (no cascades).
    stderr_max: usize,
}

fn demo_toml() -> String {
    std::fs::read_to_string(repo("scenarios/demo.toml")).unwrap()
}

fn demo_units() -> String {
    std::fs::read_to_string(repo("scenarios/demo-units.csv")).unwrap()
}

/// `text` with `from` replaced by `to`, exactly once.
fn edit(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "fixture edit `{from}`");
    text.replacen(from, to, 1)
}

/// The demo units with cell (`row`, `column`) set to `value` (row 1 is U01).
fn cell(row: usize, column: &str, value: &str) -> String {
    let units = demo_units();
    let mut lines: Vec<String> = units.lines().map(String::from).collect();
    let col = lines[0].split(',').position(|c| c == column).expect(column);
    let mut cells: Vec<String> = lines[row].split(',').map(String::from).collect();
    cells[col] = value.to_string();
    lines[row] = cells.join(",");
    lines.join("\n") + "\n"
}

fn units_with(f: impl Fn(&str) -> String) -> String {
    demo_units().lines().map(f).collect::<Vec<_>>().join("\n") + "\n"
}

const DEFAULT_ARGS: [&str; 8] = [
    "simulate", "s.toml", "--trials", "300", "--seed", "7", "--out", "out",
];

fn case(name: &str) -> Case {
    Case {
        name: name.into(),
        entries: vec![
            ("s.toml".into(), Entry::File(demo_toml().into_bytes())),
            (
                "demo-units.csv".into(),
                Entry::File(demo_units().into_bytes()),
            ),
        ],
        args: DEFAULT_ARGS.map(String::from).to_vec(),
        env: Vec::new(),
        want: Want::Same(Vec::new()),
        absent: Vec::new(),
        stderr_max: STDERR_MAX,
    }
}

impl Case {
    fn put(mut self, name: &str, e: Entry) -> Self {
        self.entries.retain(|(n, _)| n != name);
        self.entries.push((name.into(), e));
        self
    }
    fn file(self, name: &str, bytes: impl Into<Vec<u8>>) -> Self {
        self.put(name, Entry::File(bytes.into()))
    }
    fn toml(self, text: impl Into<Vec<u8>>) -> Self {
        self.file("s.toml", text)
    }
    fn toml_edit(self, from: &str, to: &str) -> Self {
        self.toml(edit(&demo_toml(), from, to))
    }
    fn units(self, bytes: impl Into<Vec<u8>>) -> Self {
        self.file("demo-units.csv", bytes)
    }
    fn fifo(self, name: &str) -> Self {
        self.put(name, Entry::Fifo)
    }
    fn link(self, name: &str, target: &str) -> Self {
        self.put(name, Entry::Link(target.into()))
    }
    fn dir(self, name: &str) -> Self {
        self.put(name, Entry::Dir)
    }
    fn args(mut self, args: &[&str]) -> Self {
        self.args = args.iter().map(|s| s.to_string()).collect();
        self
    }
    /// The default command with `extra` before `--out`.
    fn with(mut self, extra: &[&str]) -> Self {
        let at = self.args.len() - 2;
        for (i, a) in extra.iter().enumerate() {
            self.args.insert(at + i, a.to_string());
        }
        self
    }
    fn env(mut self, k: &str, v: &str) -> Self {
        self.env.push((k.into(), v.into()));
        self
    }
    fn fails(mut self, code: i32, fragments: &[&str]) -> Self {
        self.want = Want::Fail(code, fragments.iter().map(|s| s.to_string()).collect());
        self
    }
    fn warns(mut self, fragments: &[&str]) -> Self {
        self.want = Want::Warn(fragments.iter().map(|s| s.to_string()).collect());
        self
    }
    fn without(mut self, texts: &[&str]) -> Self {
        self.absent.extend(texts.iter().map(|s| s.to_string()));
        self
    }
    fn brief(mut self, bytes: usize) -> Self {
        self.stderr_max = bytes;
        self
    }
    fn same(mut self, fragments: &[&str]) -> Self {
        self.want = Want::Same(fragments.iter().map(|s| s.to_string()).collect());
        self
    }
}

fn encode(text: &str, enc: &'static encoding_rs::Encoding) -> Vec<u8> {
    let (bytes, _, unmappable) = enc.encode(text);
    assert!(!unmappable, "{} cannot hold the text", enc.name());
    bytes.into_owned()
}

fn utf16(text: &str, big_endian: bool, bom: bool) -> Vec<u8> {
    let mut out = Vec::new();
    let units = std::iter::once(0xFEFF)
        .filter(|_| bom)
        .chain(text.encode_utf16());
    for u in units {
        out.extend(if big_endian {
            u.to_be_bytes()
        } else {
            u.to_le_bytes()
        });
    }
    out
}

fn crlf(text: &str) -> String {
    text.replace('\n', "\r\n")
}

fn bom(text: &str) -> Vec<u8> {
    [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat()
}

/// Files read correctly whatever the encoding, line ends and delimiter.
fn encodings() -> Vec<Case> {
    let u = demo_units();
    let t = demo_toml();
    let semi = units_with(|l| l.replace(',', ";"));
    let tabs = units_with(|l| l.replace(',', "\t"));
    let gbk = encoding_rs::GBK;
    let gb = encoding_rs::GB18030;
    let not_utf8 = "is not UTF-8: read as GB18030";
    vec![
        case("clean demo").same(&[]),
        case("units: UTF-8 BOM").units(bom(&u)).same(&[]),
        case("units: CRLF").units(crlf(&u)).same(&[]),
        case("units: CRLF and BOM").units(bom(&crlf(&u))).same(&[]),
        case("units: GBK").units(encode(&u, gbk)).same(&[not_utf8]),
        case("units: GB18030")
            .units(encode(&u, gb))
            .same(&[not_utf8]),
        case("units: GBK, CRLF (Excel on Chinese Windows)")
            .units(encode(&crlf(&u), gbk))
            .same(&[not_utf8]),
        case("units: UTF-16LE with BOM")
            .units(utf16(&u, false, true))
            .same(&["read as UTF-16 (little-endian)"]),
        case("units: UTF-16BE with BOM")
            .units(utf16(&u, true, true))
            .same(&["read as UTF-16 (big-endian)"]),
        case("units: UTF-16LE without BOM")
            .units(utf16(&u, false, false))
            .same(&["read as UTF-16 (little-endian)"]),
        case("units: UTF-16LE, CRLF, tabs (Excel \"Unicode text\")")
            .units(utf16(&crlf(&tabs), false, true))
            .same(&["read as UTF-16", "separated by tabs"]),
        case("units: semicolons")
            .units(semi.clone())
            .same(&["separated by semicolons"]),
        case("units: tabs").units(tabs).same(&["separated by tabs"]),
        case("units: semicolons, GBK, CRLF")
            .units(encode(&crlf(&semi), gbk))
            .same(&["separated by semicolons", not_utf8]),
        case("units: semicolons and decimal commas")
            .units(units_with(|l| {
                let cells: Vec<String> = l
                    .split(',')
                    .map(|c| {
                        if c.parse::<f64>().is_ok() {
                            c.replace('.', ",")
                        } else {
                            c.to_string()
                        }
                    })
                    .collect();
                cells.join(";")
            }))
            .same(&["separated by semicolons", "decimal commas"]),
        case("units: CR line ends (Excel for Mac)")
            .units(u.replace('\n', "\r"))
            .same(&["carriage return only"]),
        case("units: trailing blank lines")
            .units(format!("{u}\n\n\n"))
            .same(&[]),
        case("units: quoted cells")
            .units(units_with(|l| {
                l.split(',')
                    .map(|c| format!("\"{c}\""))
                    .collect::<Vec<_>>()
                    .join(",")
            }))
            .same(&[]),
        case("scenario: UTF-8 BOM").toml(bom(&t)).same(&[]),
        case("scenario: CRLF").toml(crlf(&t)).same(&[]),
        case("scenario: GBK")
            .toml(encode(&t.replace('×', "x").replace('·', "-"), gbk))
            .same(&["scenario file is not UTF-8: read as GB18030"]),
        case("scenario: UTF-16LE with BOM")
            .toml(utf16(&t, false, true))
            .same(&["read as UTF-16 (little-endian)"]),
        case("scenario: CRLF, BOM and GBK units")
            .toml(bom(&crlf(&t)))
            .units(encode(&crlf(&u), gbk))
            .same(&[not_utf8]),
    ]
}

/// Broken CSVs: each problem at its real line and column, once.
fn csv_errors() -> Vec<Case> {
    let u = demo_units();
    let lines: Vec<&str> = u.lines().collect();
    let short_row = {
        let mut l: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
        l[5] = "U05,长宁区,上海,SMB,-4.9,-1.3,1800000,0.16,340,88,R02".into();
        l.join("\n") + "\n"
    };
    let f = |n: &str| format!("demo-units.csv:{n}");
    vec![
        case("csv: short row").units(short_row.clone()).fails(
            1,
            &[&f("6:1"), "this row has 11 fields but the header has 12"],
        ),
        case("csv: short row, CRLF")
            .units(crlf(&short_row))
            .fails(1, &[&f("6:1"), "this row has 11 fields"]),
        case("csv: short row, CR only")
            .units(short_row.replace('\n', "\r"))
            .fails(1, &[&f("6:1"), "this row has 11 fields"]),
        case("csv: short row, GBK CRLF")
            .units(encode(&crlf(&short_row), encoding_rs::GBK))
            .fails(1, &[&f("6:1"), "this row has 11 fields"]),
        case("csv: short row, UTF-16")
            .units(utf16(&crlf(&short_row), false, true))
            .fails(1, &[&f("6:1"), "this row has 11 fields"]),
        case("csv: long row")
            .units(cell(3, "locked", "false,extra"))
            .fails(1, &[&f("4:1"), "this row has 13 fields"]),
        case("csv: header only")
            .units(format!("{}\n", lines[0]))
            .fails(1, &[&f("1:1"), "no rows, only a header"]),
        case("csv: header only, CRLF BOM")
            .units(bom(&format!("{}\r\n", lines[0])))
            .fails(1, &[&f("1:1"), "no rows, only a header"]),
        case("csv: empty file")
            .units("")
            .fails(1, &[&f("1:1"), "the units CSV is empty"])
            .without(&["no `id` column"]),
        case("csv: a BOM and a blank line")
            .units(bom("\r\n"))
            .fails(1, &[&f("1:1"), "the units CSV is empty"])
            .without(&["no `id` column"]),
        case("csv: unclosed quote")
            .units(cell(7, "name", "\"闵行区"))
            .fails(1, &[&f("8:"), "quote"])
            .without(&["fields but the header has"])
            .brief(2000),
        case("csv: unclosed quote, CRLF")
            .units(crlf(&cell(7, "name", "\"闵行区")))
            .fails(1, &[&f("8:"), "quote"])
            .brief(2000),
        case("csv: semicolons without an id column")
            .units(units_with(|l| {
                l.replace(',', ";").replacen("id;", "code;", 1)
            }))
            .fails(1, &["separated by semicolons", "no `id` column"])
            .brief(3000),
        case("csv: no potential column")
            .units(units_with(|l| {
                l.replacen("potential,potential_cv", "pot,potential_cv", 1)
            }))
            .fails(
                1,
                &[&f("1:"), "no `potential` column", "potential = \"pot\""],
            ),
        case("csv: duplicate column")
            .units(units_with(|l| l.replacen("x,y", "x,x", 1)))
            .fails(1, &[&f("1:"), "appears twice"]),
        case("csv: duplicate unit id")
            .units(cell(2, "id", "U01"))
            .fails(1, &[&f("3:"), "U01"]),
        case("csv: empty id")
            .units(cell(2, "id", ""))
            .fails(1, &[&f("3:"), "id"]),
        case("csv: text for a number")
            .units(cell(4, "potential", "abc"))
            .fails(1, &[&f("5:"), "must be a number, found `abc`"]),
        case("csv: thousands separators")
            .units(cell(4, "potential", "\"2,600,000\""))
            .fails(1, &[&f("5:"), "without thousands separators"]),
        case("csv: currency sign")
            .units(cell(4, "potential", "¥2600000"))
            .fails(1, &[&f("5:"), "must be a number"]),
        case("csv: percent cv")
            .units(cell(4, "potential_cv", "20%"))
            .fails(1, &[&f("5:"), "must be a number, found `20%`"]),
        case("csv: cv typed as a percentage")
            .units(cell(4, "potential_cv", "20"))
            .fails(1, &[&f("5:"), "potential_cv"]),
        case("csv: cv 1e308")
            .units(cell(4, "potential_cv", "1e308"))
            .fails(1, &[&f("5:"), "potential_cv"]),
        case("csv: negative potential")
            .units(cell(4, "potential", "-5"))
            .fails(1, &[&f("5:"), "potential"]),
        case("csv: potential 1e308")
            .units(cell(4, "potential", "1e308"))
            .fails(1, &[&f("5:"), "potential"]),
        case("csv: potential 1e400")
            .units(cell(4, "potential", "1e400"))
            .fails(1, &[&f("5:"), "finite"]),
        case("csv: potential NaN")
            .units(cell(4, "potential", "NaN"))
            .fails(1, &[&f("5:"), "potential"]),
        case("csv: potential inf")
            .units(cell(4, "potential", "inf"))
            .fails(1, &[&f("5:"), "finite"]),
        case("csv: negative workload")
            .units(cell(4, "workload_hours", "-1"))
            .fails(1, &[&f("5:"), "workload_hours"]),
        case("csv: workload 1e308")
            .units(cell(4, "workload_hours", "1e308"))
            .fails(1, &[&f("5:"), "workload_hours"]),
        case("csv: negative accounts")
            .units(cell(4, "accounts", "-3"))
            .fails(1, &[&f("5:"), "accounts"]),
        case("csv: locked maybe")
            .units(cell(4, "locked", "maybe"))
            .fails(1, &[&f("5:"), "must be true or false"]),
        case("csv: unknown owner")
            .units(cell(4, "owner", "R99"))
            .fails(1, &[&f("5:"), "R99"]),
        case("csv: coordinate text")
            .units(cell(4, "x", "east"))
            .fails(1, &[&f("5:"), "must be a number, found `east`"]),
        case("csv: one coordinate missing")
            .units(cell(4, "y", ""))
            .fails(1, &[&f("5:"), "needs a location"]),
        case("csv: NUL in a name")
            .units(cell(4, "name", "徐汇\0区"))
            .fails(1, &["demo-units.csv", "NUL"]),
        case("csv: escape sequence in a name")
            .units(cell(4, "name", "\x1b[31m徐汇区\x1b[0m"))
            .fails(1, &[&f("5:"), "control character"]),
        case("csv: newline inside a quoted name")
            .units(cell(4, "name", "\"徐汇\n区\""))
            .fails(1, &[&f("5:"), "control character"]),
        case("csv: 1 MB name")
            .units(cell(4, "name", &"徐".repeat(350_000)))
            .fails(1, &[&f("5:"), "more than the 1000 a text may have"])
            .brief(2000),
        case("csv: 100,000 short rows of garbage")
            .units(format!("{u}{}", "x\n".repeat(100_000)))
            .fails(
                1,
                &[
                    &f("43:"),
                    "this row has 1 field",
                    "not shown; `quotaplan validate --all`",
                ],
            ),
        case("csv: random bytes")
            .units(
                (0..4096u32)
                    .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
                    .collect::<Vec<u8>>(),
            )
            .fails(1, &["demo-units.csv", "not a text file"]),
        case("csv: a PNG")
            .units(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec())
            .fails(1, &["demo-units.csv", "not a text file"]),
        case("csv: all potential zero")
            .units(units_with(|l| {
                let mut c: Vec<&str> = l.split(',').collect();
                if c[0] != "id" {
                    c[6] = "0";
                }
                c.join(",")
            }))
            .warns(&["potential"]),
    ]
}

/// Broken or absurd scenario files.
fn toml_errors() -> Vec<Case> {
    let s = |n: &str| format!("s.toml:{n}");
    vec![
        case("toml: missing }")
            .toml_edit(
                "impact = { normal = { mean = 0.0, sd = 0.06 } }",
                "impact = { normal = { mean = 0.0, sd = 0.06 }",
            )
            .fails(1, &[&s("184:"), "not closed on its line"])
            .brief(3000),
        case("toml: missing ]")
            .toml_edit("[comp_plan]", "[comp_plan")
            .fails(1, &[&s("235:"), "TOML syntax"]),
        case("toml: unclosed string")
            .toml_edit("name = \"李强\"", "name = \"李强")
            .fails(1, &[&s("81:"), "TOML syntax"]),
        case("toml: duplicate key")
            .toml_edit("quota = 8_400_000", "quota = 8_400_000\nquota = 1")
            .fails(1, &[&s("84:"), "TOML syntax"]),
        case("toml: empty file")
            .toml("")
            .fails(1, &["s.toml", "[scenario]"]),
        case("toml: only comments")
            .toml("# nothing here\n")
            .fails(1, &["s.toml", "[scenario]"]),
        case("toml: 100,000 nested arrays")
            .toml(format!(
                "{}\nx = {}{}\n",
                demo_toml(),
                "[".repeat(100_000),
                "]".repeat(100_000)
            ))
            .fails(1, &[&s("259:"), "TOML syntax"]),
        case("toml: 2 MB comment line")
            .toml(format!("{}\n# {}\n", demo_toml(), "x".repeat(2_000_000)))
            .same(&[]),
        case("toml: binary")
            .toml(b"\x7fELF\x02\x01\x01\0\0\0\0".to_vec())
            .fails(1, &["s.toml", "not a text file"]),
        case("toml: quota as text")
            .toml_edit("quota = 8_400_000", "quota = \"8.4M\"")
            .fails(1, &[&s("83:9"), "quota"]),
        case("toml: impact as a number, not missing")
            .toml_edit(
                "impact = { normal = { mean = 0.0, sd = 0.06 } }",
                "impact = 5",
            )
            .fails(1, &[&s("184:"), "impact"])
            .without(&["has no `impact`"])
            .brief(2000),
        case("toml: months fractional")
            .toml_edit("months = 12", "months = 12.5")
            .fails(1, &[&s("30:"), "months"]),
        case("toml: months 0")
            .toml_edit("months = 12", "months = 0")
            .fails(1, &[&s("30:"), "months"]),
        case("toml: months 1000")
            .toml_edit("months = 12", "months = 1000")
            .fails(1, &[&s("30:"), "months"]),
        case("toml: quota 1e308")
            .toml_edit("quota = 8_400_000", "quota = 1e308")
            .fails(1, &[&s("83:"), "quota"]),
        case("toml: quota -1")
            .toml_edit("quota = 8_400_000", "quota = -1")
            .fails(1, &[&s("83:"), "quota"]),
        case("toml: quota nan")
            .toml_edit("quota = 8_400_000", "quota = nan")
            .fails(1, &[&s("83:"), "quota"]),
        case("toml: quota inf")
            .toml_edit("quota = 8_400_000", "quota = inf")
            .fails(1, &[&s("83:"), "quota"]),
        case("toml: target 1e308")
            .toml_edit("company_target = 80_000_000", "company_target = 1e308")
            .fails(1, &[&s("33:"), "company_target"]),
        case("toml: target 0")
            .toml_edit("company_target = 80_000_000", "company_target = 0")
            .fails(1, &[&s("33:"), "company_target"]),
        case("toml: trials 1e15 in the file")
            .toml_edit("trials = 20000", "trials = 1_000_000_000_000_000")
            .args(&["simulate", "s.toml", "--out", "out"])
            .fails(1, &[&s("32:"), "trials", "--precision"]),
        case("toml: trials -1")
            .toml_edit("trials = 20000", "trials = -1")
            .args(&["simulate", "s.toml", "--out", "out"])
            .fails(1, &[&s("32:"), "trials"]),
        case("toml: trials 0")
            .toml_edit("trials = 20000", "trials = 0")
            .args(&["simulate", "s.toml", "--out", "out"])
            .fails(1, &[&s("32:"), "trials"]),
        case("toml: seed negative")
            .toml_edit("seed = 2027", "seed = -1")
            .fails(1, &[&s("31:"), "seed"]),
        case("toml: seed as float")
            .toml_edit("seed = 2027", "seed = 1e30")
            .fails(1, &[&s("31:"), "seed"]),
        case("toml: attrition 14 (a percentage)")
            .toml_edit("attrition = 0.14 ", "attrition = 14 ")
            .fails(1, &[&s("57:"), "0.14"]),
        case("toml: probability 35")
            .toml_edit("probability = 0.35", "probability = 35")
            .fails(1, &[&s("201:"), "0.35"]),
        case("toml: probability 1.5")
            .toml_edit("probability = 0.35", "probability = 1.5")
            .fails(1, &[&s("201:"), "probability"]),
        case("toml: probability -0.1")
            .toml_edit("probability = 0.35", "probability = -0.1")
            .fails(1, &[&s("201:"), "probability"]),
        case("toml: vacancy coverage 25")
            .toml_edit("vacancy_coverage = 0.25", "vacancy_coverage = 25")
            .fails(1, &[&s("59:"), "0.25"]),
        case("toml: over-assignment 10")
            .toml_edit("over_assignment = 0.10", "over_assignment = 10")
            .fails(1, &[&s("233:"), "0.1"]),
        case("toml: team bonus threshold 100")
            .toml_edit("threshold = 1.0 }", "threshold = 100 }")
            .fails(1, &[&s("240:"), "threshold"]),
        case("toml: shock sd 6 (a percentage)")
            .toml_edit("sd = 0.06", "sd = 6")
            .fails(
                1,
                &[&s("184:"), "if these are percentages, divide them by 100"],
            ),
        case("toml: shock sd 0.6 (plausible either way)")
            .toml_edit("sd = 0.06", "sd = 0.6")
            .warns(&[&s("184:"), "sd"]),
        case("toml: impact min -30")
            .toml_edit("min = -0.30", "min = -30")
            .fails(
                1,
                &[&s("204:"), "if these are percentages, divide them by 100"],
            ),
        case("toml: productivity cv 12")
            .toml_edit("cv = 0.12", "cv = 12")
            .fails(1, &[&s("61:"), "cv"]),
        case("toml: potential cv 1e308")
            .toml("")
            .toml(edit(
                &demo_toml(),
                "productivity = { lognormal = { mean = 1.0, cv = 0.12 } }",
                "productivity = { lognormal = { mean = 1.0, cv = 1e308 } }",
            ))
            .fails(1, &[&s("61:"), "cv"]),
        case("toml: correlation 40")
            .toml_edit(
                "[\"macro\", \"smb_price_war\", 0.4]",
                "[\"macro\", \"smb_price_war\", 40]",
            )
            .fails(1, &[&s("226:"), "correlation"]),
        case("toml: correlation unknown risk")
            .toml_edit(
                "[\"macro\", \"smb_price_war\", 0.4]",
                "[\"macro\", \"smb_pricewar\", 0.4]",
            )
            .fails(1, &[&s("226:"), "smb_price_war"]),
        case("toml: seasonality 11 months")
            .toml_edit("0.10, 0.11]", "0.10]")
            .fails(1, &[&s("38:"), "12"]),
        case("toml: seasonality negative")
            .toml_edit("0.10, 0.11]", "0.10, -0.11]")
            .fails(1, &[&s("38:"), "seasonality"]),
        case("toml: comp curve attainment 150")
            .toml_edit("[1.5, 2.0]", "[150, 2.0]")
            .fails(1, &[&s("239:"), "curve"]),
        case("toml: capacity 0")
            .toml_edit("capacity_hours = 1000 ", "capacity_hours = 0 ")
            .warns(&[&s("141:"), "capacity_hours"]),
        case("toml: capacity negative")
            .toml_edit("capacity_hours = 1000 ", "capacity_hours = -5 ")
            .fails(1, &[&s("141:"), "capacity_hours"]),
        case("toml: start month 13")
            .toml_edit("start_month = 4 ", "start_month = 13 ")
            .fails(1, &[&s("167:"), "start_month"]),
        case("toml: unknown key")
            .toml_edit("ramp_months = 5 ", "ramp_month = 5 ")
            .fails(1, &[&s("60:"), "did you mean `ramp_months`"]),
        case("toml: duplicate rep id")
            .toml_edit("id = \"R02\"", "id = \"R01\"")
            .fails(1, &[&s("78:"), "R01"]),
        case("toml: unknown distribution")
            .toml_edit("pert = { min = -0.30", "perth = { min = -0.30")
            .fails(1, &[&s("204:"), "pert"]),
        case("toml: NUL escape in a rep name")
            .toml_edit("name = \"李强\"", "name = \"李\\u0000强\"")
            .fails(1, &[&s("81:"), "control character"]),
        case("toml: escape sequence in a rep name")
            .toml_edit("name = \"李强\"", "name = \"\\u001b[2J李强\"")
            .fails(1, &[&s("81:"), "control character"]),
        case("toml: 1 MB rep name")
            .toml_edit(
                "name = \"李强\"",
                &format!("name = \"{}\"", "李".repeat(350_000)),
            )
            .fails(1, &[&s("81:"), "more than the 1000 a text may have"])
            .brief(2000),
        case("toml: 1 MB scenario name")
            .toml_edit(
                "name = \"华东区 FY2027 demo\"",
                &format!("name = \"{}\"", "x".repeat(1_000_000)),
            )
            .fails(1, &[&s("28:"), "more than the 1000 a text may have"])
            .brief(2000),
        case("toml: units file /dev/zero by name")
            .toml_edit("file = \"demo-units.csv\"", "file = \"/dev/zero\"")
            .fails(1, &[&s("52:"), "/dev/zero"]),
        case("toml: units file a symlink to /dev/zero")
            .toml_edit("file = \"demo-units.csv\"", "file = \"zero.csv\"")
            .link("zero.csv", "/dev/zero")
            .fails(1, &[&s("52:"), "not a regular file"]),
        case("toml: units file a symlink to /dev/urandom")
            .toml_edit("file = \"demo-units.csv\"", "file = \"random.csv\"")
            .link("random.csv", "/dev/urandom")
            .fails(1, &[&s("52:"), "not a regular file"]),
        case("toml: units file a FIFO")
            .toml_edit("file = \"demo-units.csv\"", "file = \"fifo.csv\"")
            .fifo("fifo.csv")
            .fails(1, &[&s("52:"), "not a regular file"]),
        case("toml: units file a folder")
            .toml_edit("file = \"demo-units.csv\"", "file = \"folder.csv\"")
            .dir("folder.csv")
            .fails(1, &[&s("52:"), "folder.csv"]),
        case("toml: units file missing")
            .toml_edit("file = \"demo-units.csv\"", "file = \"missing.csv\"")
            .fails(1, &[&s("52:"), "missing.csv"]),
        case("toml: units file /etc/passwd")
            .toml_edit("file = \"demo-units.csv\"", "file = \"/etc/passwd\"")
            .fails(1, &[&s("52:"), ".csv"]),
        case("toml: units file too big")
            .units(format!("{}{}", demo_units(), "\n".repeat(2 << 20)))
            .env("QUOTAPLAN_MAX_INPUT_MB", "1")
            .fails(1, &[&s("52:"), "QUOTAPLAN_MAX_INPUT_MB"]),
    ]
}

/// `extends` chains: cycles through other folders, special files, depth.
fn extends_cases() -> Vec<Case> {
    let t = demo_toml();
    let body_without_name = edit(&t, "name = \"华东区 FY2027 demo\"\n", "");
    let on_top = |base: &str| format!("extends = \"{base}\"\n");
    let s = |n: &str| format!("s.toml:{n}");
    vec![
        case("extends: a base")
            .file("base.toml", t.clone())
            .toml(on_top("base.toml"))
            .same(&[]),
        case("extends: a base in another folder")
            .file(
                "lib/base.toml",
                t.replace("demo-units.csv", "../demo-units.csv"),
            )
            .toml(on_top("lib/base.toml"))
            .same(&[]),
        case("extends: itself")
            .toml(format!("{}{t}", on_top("s.toml")))
            .fails(1, &[&s("1:"), "cycle"]),
        case("extends: itself via ../")
            .file("a/s.toml", format!("{}{t}", on_top("../a/s.toml")))
            .args(&["simulate", "a/s.toml", "--trials", "300", "--out", "out"])
            .fails(1, &["a/s.toml:1:", "cycle"]),
        case("extends: cycle of two through folders")
            .file("a/x.toml", on_top("../b/y.toml"))
            .file("b/y.toml", on_top("../a/x.toml"))
            .toml(format!("{}{t}", on_top("a/x.toml")))
            .fails(1, &["cycle"]),
        case("extends: cycle through ./ and //")
            .file("a/x.toml", on_top(".//..//s.toml"))
            .toml(format!("{}{body_without_name}", on_top("./a/../a/x.toml")))
            .fails(1, &["cycle"]),
        case("extends: cycle through a symlink")
            .link("again.toml", "s.toml")
            .toml(format!("{}{t}", on_top("again.toml")))
            .fails(1, &["cycle"]),
        case("extends: /etc/passwd")
            .toml(format!("{}{t}", on_top("/etc/passwd")))
            .fails(1, &[&s("1:"), ".toml"])
            .without(&["root:"])
            .brief(2000),
        case("extends: /dev/zero")
            .toml(format!("{}{t}", on_top("/dev/zero")))
            .fails(1, &[&s("1:"), ".toml"]),
        case("extends: a symlink to /dev/zero")
            .link("zero.toml", "/dev/zero")
            .toml(format!("{}{t}", on_top("zero.toml")))
            .fails(1, &[&s("1:"), "not a regular file"]),
        case("extends: a FIFO")
            .fifo("fifo.toml")
            .toml(format!("{}{t}", on_top("fifo.toml")))
            .fails(1, &[&s("1:"), "not a regular file"]),
        case("extends: missing")
            .toml(format!("{}{t}", on_top("nowhere.toml")))
            .fails(1, &[&s("1:"), "nowhere.toml"]),
        case("extends: not a string")
            .toml(format!("extends = 5\n{t}"))
            .fails(1, &[&s("1:"), "extends"]),
        {
            let mut c = case("extends: 30 deep").toml(format!("{}{t}", on_top("b0.toml")));
            for i in 0..30 {
                c = c.file(&format!("b{i}.toml"), on_top(&format!("b{}.toml", i + 1)));
            }
            c.file("b30.toml", "[scenario]\n")
                .fails(1, &["extends", "16"])
        },
    ]
}

/// Command-line arguments: exit 2 with the argument named.
fn arg_cases() -> Vec<Case> {
    let c = |name: &str, extra: &[&str]| {
        case(name)
            .args(&["simulate", "s.toml", "--out", "out"])
            .with(extra)
    };
    vec![
        c("--trials 1e15", &["--trials", "1e15"]).fails(2, &["--trials", "--precision"]),
        c("--trials u64::MAX", &["--trials", "18446744073709551615"])
            .fails(2, &["--trials", "--precision"]),
        c("--trials 2^64", &["--trials", "18446744073709551616"]).fails(2, &["--trials"]),
        c("--trials 0", &["--trials", "0"]).fails(2, &["--trials"]),
        c("--trials -5", &["--trials=-5"]).fails(2, &["--trials"]),
        c("--trials abc", &["--trials", "abc"]).fails(2, &["--trials"]),
        c("--trials 80%", &["--trials", "80%"]).fails(2, &["--trials"]),
        c("--seed 1e30", &["--seed", "1e30"]).fails(2, &["--seed"]),
        c("--seed -1", &["--seed=-1"]).fails(2, &["--seed"]),
        c("--threads 0", &["--threads", "0"]).fails(2, &["--threads"]),
        c("--threads 100000", &["--threads", "100000"]).fails(2, &["--threads"]),
        c("--precision 80", &["--precision", "80"]).fails(2, &["--precision", "0.8"]),
        c("--precision 1e-9", &["--precision", "1e-9"]).fails(2, &["--precision"]),
        c("--precision 0", &["--precision", "0"]).fails(2, &["--precision"]),
        case("mitigate --goal 80")
            .args(&["mitigate", "s.toml", "--goal", "80", "--out", "out"])
            .fails(2, &["--goal", "0.8"]),
        case("mitigate --goal 1.5")
            .args(&["mitigate", "s.toml", "--goal", "1.5", "--out", "out"])
            .fails(2, &["--goal"]),
        case("quotas --over-assignment 10")
            .args(&[
                "quotas",
                "s.toml",
                "--over-assignment",
                "10",
                "--out",
                "out",
            ])
            .fails(2, &["--over-assignment", "0.1"]),
        case("split --tolerance 5")
            .args(&["split", "s.toml", "--tolerance", "5", "--out", "out"])
            .fails(2, &["--tolerance", "0.05"]),
        case("split --max-disruption 20")
            .args(&["split", "s.toml", "--max-disruption", "20", "--out", "out"])
            .fails(2, &["--max-disruption", "0.2"]),
        case("scenario missing")
            .args(&["simulate", "missing.toml", "--out", "out"])
            .fails(2, &["missing.toml"]),
        case("scenario /dev/zero")
            .args(&["simulate", "/dev/zero", "--out", "out"])
            .fails(2, &["/dev/zero", "not a regular file"]),
        case("scenario /dev/urandom")
            .args(&["simulate", "/dev/urandom", "--out", "out"])
            .fails(2, &["/dev/urandom", "not a regular file"]),
        case("scenario a FIFO")
            .fifo("fifo.toml")
            .args(&["simulate", "fifo.toml", "--out", "out"])
            .fails(2, &["fifo.toml", "not a regular file"]),
        case("scenario a folder")
            .dir("folder.toml")
            .args(&["simulate", "folder.toml", "--out", "out"])
            .fails(2, &["folder.toml"]),
        case("scenario too big")
            .toml(format!("{}{}", demo_toml(), "\n".repeat(2 << 20)))
            .env("QUOTAPLAN_MAX_INPUT_MB", "1")
            .fails(2, &["s.toml", "QUOTAPLAN_MAX_INPUT_MB"]),
        case("validate /dev/zero")
            .args(&["validate", "/dev/zero"])
            .fails(2, &["/dev/zero", "not a regular file"]),
        c("--set invalid TOML", &["--set", "reps.R01.quota=[1,"])
            .fails(1, &["--set reps.R01.quota=[1,"]),
        c("--set unknown key", &["--set", "reps.R01.quotaa=1"])
            .fails(1, &["--set", "did you mean `quota`"]),
        c("--set unknown rep", &["--set", "reps.R99.quota=1"]).fails(1, &["--set", "R99"]),
        c("--set no =", &["--set", "reps.R01.quota"]).fails(1, &["--set", "="]),
        c("--set extends", &["--set", "extends=\"base.toml\""]).fails(1, &["--set", "extends"]),
        c(
            "--set units.file /dev/zero",
            &["--set", "units.file=\"/dev/zero\""],
        )
        .fails(1, &["--set", "units.file"]),
        c(
            "--set trials 1e15",
            &["--set", "scenario.trials=1000000000000000"],
        )
        .fails(1, &["--set", "trials"]),
        c(
            "--set attrition 14",
            &["--set", "rep_defaults.attrition=14"],
        )
        .fails(1, &["--set", "0.14"]),
        c("--set quota 1e308", &["--set", "reps.R01.quota=1e308"]).fails(1, &["--set", "quota"]),
        c("--set NUL name", &["--set", "reps.R01.name=\"a\\u0000b\""])
            .fails(1, &["--set", "control character"]),
        c(
            "--set a string that looks broken",
            &["--set", "reps.R01.name=\"unclosed"],
        )
        .fails(1, &["--set"]),
        c("--set quota text", &["--set", "reps.R01.quota=lots"]).fails(1, &["--set", "quota"]),
        c(
            "--set quota fine",
            &[
                "--trials",
                "300",
                "--seed",
                "7",
                "--set",
                "reps.R01.quota=10600000",
            ],
        )
        .same(&[]),
        case("--out is the working folder")
            .args(&["simulate", "s.toml", "--trials", "300", "--out", "."])
            .fails(2, &["--out"]),
        case("--out is a file")
            .file("taken", "x")
            .args(&["simulate", "s.toml", "--trials", "300", "--out", "taken"])
            .fails(2, &["taken"]),
        case("--out is /")
            .args(&["simulate", "s.toml", "--trials", "300", "--out", "/"])
            .fails(2, &["--out"]),
        case("unknown command")
            .args(&["simulat"])
            .fails(2, &["simulate"]),
        c("unknown flag", &["--trails", "5"]).fails(2, &["--trials"]),
    ]
}

fn corpus() -> Vec<Case> {
    let mut all = encodings();
    all.extend(csv_errors());
    all.extend(toml_errors());
    all.extend(extends_cases());
    all.extend(arg_cases());
    all
}

/// Creates the case's files in `dir` (and the previous results in `out`).
fn lay_out(c: &Case, dir: &Path) {
    for (name, e) in &c.entries {
        let p = dir.join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        match e {
            Entry::File(b) => std::fs::write(&p, b).unwrap(),
            Entry::Dir => std::fs::create_dir_all(&p).unwrap(),
            Entry::Link(target) => std::os::unix::fs::symlink(target, &p).unwrap(),
            Entry::Fifo => {
                let ok = Command::new("mkfifo").arg(&p).status().unwrap().success();
                assert!(ok, "mkfifo {}", p.display());
            }
        }
    }
    if matches!(c.want, Want::Fail(..)) {
        std::fs::create_dir_all(dir.join("out")).unwrap();
        std::fs::write(dir.join("out/previous.txt"), "the previous results").unwrap();
    }
}

/// Every path under `dir`, relative, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            let p = e.path();
            out.push(p.strip_prefix(dir).unwrap().display().to_string());
            if e.file_type().unwrap().is_dir() {
                stack.push(p);
            }
        }
    }
    out.sort();
    out
}

struct Outcome {
    code: Option<i32>,
    stderr: String,
    elapsed: Duration,
}

fn run(c: &Case, dir: &Path) -> Outcome {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("quotaplan"));
    cmd.args(&c.args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("QUOTAPLAN_MAX_INPUT_MB")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    for (k, v) in &c.env {
        cmd.env(k, v);
    }
    let start = Instant::now();
    let mut child = cmd.spawn().unwrap();
    let mut err = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut err, &mut buf).unwrap();
        buf
    });
    let code = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status.code();
        }
        if start.elapsed() > LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let stderr = String::from_utf8_lossy(&reader.join().unwrap()).into_owned();
    Outcome {
        code,
        stderr,
        elapsed: start.elapsed(),
    }
}

/// What is wrong with the outcome of `c` (nothing: empty).
fn judge(c: &Case, dir: &Path, o: &Outcome, before: &[String], clean: &Reference) -> Vec<String> {
    let mut bad = Vec::new();
    match o.code {
        None => bad.push(format!(
            "did not end within {LIMIT:?} (or died of a signal)"
        )),
        Some(101) => bad.push("panicked".into()),
        _ => {}
    }
    if o.stderr.contains("panicked") {
        bad.push("`panicked` in stderr".into());
    }
    if o.stderr.len() > c.stderr_max {
        bad.push(format!(
            "{} bytes of stderr, more than {}",
            o.stderr.len(),
            c.stderr_max
        ));
    }
    for a in &c.absent {
        if o.stderr.contains(a.as_str()) {
            bad.push(format!("stderr contains `{a}`"));
        }
    }
    if o.stderr.contains('\0') || o.stderr.contains('\x1b') {
        bad.push("a raw control character in stderr".into());
    }
    let fragments = match &c.want {
        Want::Fail(code, f) => {
            if o.code != Some(*code) {
                bad.push(format!("exit {:?}, expected {code}", o.code));
            }
            let after = listing(dir);
            if after != before {
                bad.push(format!("files changed: before {before:?}, after {after:?}"));
            }
            if std::fs::read_to_string(dir.join("out/previous.txt"))
                .ok()
                .as_deref()
                != Some("the previous results")
            {
                bad.push("the previous results were touched".into());
            }
            f
        }
        Want::Warn(f) | Want::Same(f) => {
            if o.code != Some(0) {
                bad.push(format!("exit {:?}, expected 0", o.code));
            } else if !dir.join("out/summary.json").is_file() {
                bad.push("no summary.json".into());
            }
            if matches!(c.want, Want::Warn(_))
                && !o.stderr.contains("warning")
                && !o.stderr.contains('⚠')
            {
                bad.push("no warning".into());
            }
            if matches!(c.want, Want::Same(_)) && o.code == Some(0) {
                for (name, want) in &clean.files {
                    let got = std::fs::read(dir.join("out").join(name)).unwrap_or_default();
                    if comparable(name, &got) != *want {
                        bad.push(format!("{name} differs from the clean demo's"));
                    }
                }
            }
            f
        }
    };
    for f in fragments {
        if !o.stderr.contains(f.as_str()) {
            bad.push(format!("stderr lacks `{f}`"));
        }
    }
    bad
}

/// A result file as compared with the clean demo's: `summary.json`
/// without its list of warnings (which names how the file was read).
fn comparable(name: &str, bytes: &[u8]) -> Vec<u8> {
    if name != "summary.json" {
        return bytes.to_vec();
    }
    let Ok(mut v) = serde_json::from_slice::<serde_json::Value>(bytes) else {
        return bytes.to_vec();
    };
    if let Some(o) = v.as_object_mut() {
        o.remove("warnings");
    }
    serde_json::to_vec(&v).unwrap()
}

/// The clean demo's results, which every correctly read variant reproduces.
struct Reference {
    files: Vec<(String, Vec<u8>)>,
}

fn reference(root: &Path) -> Reference {
    let c = case("reference");
    let dir = root.join("reference");
    std::fs::create_dir_all(&dir).unwrap();
    lay_out(&c, &dir);
    let o = run(&c, &dir);
    assert_eq!(o.code, Some(0), "the clean demo runs: {}", o.stderr);
    Reference {
        files: ["reps.csv", "summary.json", "rep_quarters.csv", "risks.csv"]
            .iter()
            .map(|n| {
                (
                    n.to_string(),
                    comparable(n, &std::fs::read(dir.join("out").join(n)).unwrap()),
                )
            })
            .collect(),
    }
}

#[test]
fn hostile_inputs_are_refused_or_read_correctly() {
    let root = tmp("hostile");
    let clean = reference(&root);
    let cases = corpus();
    assert!(cases.len() > 150, "the corpus has {} cases", cases.len());
    let mut names: Vec<&str> = cases.iter().map(|c| c.name.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), cases.len(), "case names are unique");

    let results: Vec<(usize, Vec<String>, Outcome)> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..2)
            .map(|w| {
                let (cases, root, clean) = (&cases, &root, &clean);
                s.spawn(move || {
                    let mut out = Vec::new();
                    for (i, c) in cases.iter().enumerate().filter(|(i, _)| i % 2 == w) {
                        let dir = root.join(format!("case{i:03}"));
                        std::fs::create_dir_all(&dir).unwrap();
                        lay_out(c, &dir);
                        let before = listing(&dir);
                        let o = run(c, &dir);
                        let bad = judge(c, &dir, &o, &before, clean);
                        out.push((i, bad, o));
                    }
                    out
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect()
    });

    let mut failures = Vec::new();
    let mut slowest = Duration::ZERO;
    let mut largest = 0;
    for (i, bad, o) in &results {
        slowest = slowest.max(o.elapsed);
        largest = largest.max(o.stderr.len());
        if !bad.is_empty() {
            failures.push(format!(
                "[{i:03}] {}: {}\n---- stderr (exit {:?}) ----\n{}",
                cases[*i].name,
                bad.join("; "),
                o.code,
                o.stderr.chars().take(1500).collect::<String>()
            ));
        }
    }
    eprintln!(
        "hostile corpus: {} cases, {} mishandled; slowest {slowest:?}, largest stderr {largest} bytes",
        cases.len(),
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    let _ = std::fs::remove_dir_all(&root);
}

/// Names that would start a spreadsheet formula are neutralised in every
/// CSV (OWASP: a leading `'`), and kept as written in JSON.
#[test]
fn csv_cells_that_would_be_formulas_are_neutralised() {
    let dir = tmp("formula-cells");
    let toml = edit(
        &demo_toml(),
        "name = \"李强\"",
        "name = '=HYPERLINK(\"http://x\",\"李强\")'",
    );
    std::fs::write(dir.join("s.toml"), toml).unwrap();
    std::fs::write(dir.join("demo-units.csv"), cell(4, "name", "@SUM(1+1)")).unwrap();
    for args in [
        &["simulate", "s.toml", "--trials", "300", "--out", "sim"][..],
        &[
            "split",
            "s.toml",
            "--trials",
            "300",
            "--tolerance",
            "0.1",
            "--out",
            "split",
        ][..],
    ] {
        let o = Command::new(assert_cmd::cargo::cargo_bin("quotaplan"))
            .args(args)
            .current_dir(&dir)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let read = |p: &str| std::fs::read_to_string(dir.join(p)).unwrap();
    let reps = read("sim/reps.csv");
    assert!(
        reps.contains("R02,\"'=HYPERLINK(\"\"http://x\"\",\"\"李强\"\")\""),
        "{reps}"
    );
    assert!(read("sim/rep_quarters.csv").contains("'=HYPERLINK"));
    let assignment = read("split/assignment.csv");
    assert!(assignment.contains("U04,'@SUM(1+1),"), "{assignment}");
    // Negative numbers are numbers, not formulas.
    assert!(!read("sim/risks.csv").contains(",'-"));
    // JSON keeps the text as written.
    let summary: serde_json::Value = serde_json::from_str(&read("sim/summary.json")).unwrap();
    let names: Vec<&str> = summary["reps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"=HYPERLINK(\"http://x\",\"李强\")"),
        "{names:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A Western file from Windows (Windows-1252, "Latin-1") is read as such:
/// the same results as its UTF-8 original, with a note naming the encoding.
#[test]
fn latin1_files_read_as_windows_1252() {
    let dir = tmp("latin1");
    let toml = edit(
        &demo_toml(),
        "name = \"Chen Jing\"",
        "name = \"José Müller-Lüdenscheidt\"",
    );
    let units = cell(4, "name", "Zürich Straße");
    let run = |sub: &str, enc: &'static encoding_rs::Encoding| {
        let d = dir.join(sub);
        std::fs::create_dir_all(&d).unwrap();
        // The demo's Chinese names cannot be written in Windows-1252.
        let ascii = |t: &str| {
            t.chars()
                .map(|c| if (c as u32) < 0x100 { c } else { 'x' })
                .collect::<String>()
        };
        std::fs::write(d.join("s.toml"), encode(&ascii(&toml), enc)).unwrap();
        std::fs::write(d.join("demo-units.csv"), encode(&ascii(&units), enc)).unwrap();
        let o = Command::new(assert_cmd::cargo::cargo_bin("quotaplan"))
            .args([
                "split",
                "s.toml",
                "--trials",
                "300",
                "--tolerance",
                "0.1",
                "--out",
                "out",
            ])
            .current_dir(&d)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr).into_owned();
        assert!(o.status.success(), "{err}");
        (std::fs::read(d.join("out/assignment.csv")).unwrap(), err)
    };
    let (utf8, _) = run("utf8", encoding_rs::UTF_8);
    let (latin1, err) = run("latin1", encoding_rs::WINDOWS_1252);
    assert_eq!(latin1, utf8);
    assert!(String::from_utf8(latin1).unwrap().contains("Zürich Straße"));
    assert!(
        err.contains("the units file is not UTF-8: read as Windows-1252"),
        "{err}"
    );
    assert!(
        err.contains("the scenario file is not UTF-8: read as Windows-1252"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
