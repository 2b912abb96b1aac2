//! Excel in and out: `--xlsx` writes results.xlsx (read back here with
//! calamine: sheets, headers, values equal to the CSV and JSON files,
//! number formats, frozen header, Chinese names); units read from a
//! workbook give the same results as the same units in a CSV; a hostile
//! workbook gets clear errors naming sheet, row and column, and nothing is
//! written.

use crate::common::{quotaplan, repo, tmp};
use calamine::{Data, Reader, Xlsx, open_workbook};
use quotaplan::scenario::{self, Purpose, SourceBytes, SourceLoader};
use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook};
use std::io::Read as _;
use std::path::{Path, PathBuf};

fn open(path: &Path) -> Xlsx<std::io::BufReader<std::fs::File>> {
    open_workbook(path).unwrap_or_else(|e| panic!("{} opens: {e}", path.display()))
}

fn sheet(book: &mut Xlsx<std::io::BufReader<std::fs::File>>, name: &str) -> Vec<Vec<Data>> {
    let range = book
        .worksheet_range(name)
        .unwrap_or_else(|e| panic!("sheet {name}: {e}"));
    range.rows().map(|r| r.to_vec()).collect()
}

fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        other => panic!("expected text, found {other:?}"),
    }
}

fn num(d: &Data) -> f64 {
    match d {
        Data::Float(x) => *x,
        Data::Int(i) => *i as f64,
        other => panic!("expected a number, found {other:?}"),
    }
}

fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    let mut r = csv::Reader::from_path(path).expect("csv");
    r.records()
        .map(|x| x.expect("row").iter().map(str::to_string).collect())
        .collect()
}

/// The text of a part of the workbook's zip (its XML).
fn part(path: &Path, name: &str) -> String {
    let file = std::fs::File::open(path).expect("open");
    let mut zip = zip::ZipArchive::new(file).expect("a zip");
    let mut s = String::new();
    zip.by_name(name)
        .expect("part")
        .read_to_string(&mut s)
        .expect("utf-8");
    s
}

#[test]
fn simulate_xlsx_holds_the_results_with_formats() {
    let dir = tmp("xlsx-simulate");
    let out = dir.join("out");
    quotaplan()
        .args([
            "simulate", "--trials", "2000", "--seed", "5", "--xlsx", "-q", "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let path = out.join("results.xlsx");
    let mut book = open(&path);
    assert_eq!(
        book.sheet_names(),
        ["Summary", "Reps", "Groups", "Quarters", "Risks"]
    );
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();

    // Reps: the header, then every rep of reps.csv with the same numbers.
    let reps = sheet(&mut book, "Reps");
    let header: Vec<String> = reps[0].iter().map(text).collect();
    assert_eq!(
        header[..4],
        ["Rep", "Name", "Quota", "Expected sales"].map(String::from)
    );
    let col = |name: &str| header.iter().position(|h| h == name).expect(name);
    let csv = csv_rows(&out.join("reps.csv"));
    assert_eq!(reps.len() - 1, csv.len());
    assert!(
        csv.iter()
            .any(|r| r[1].chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))),
        "the demo has Chinese names"
    );
    for (row, c) in reps[1..].iter().zip(&csv) {
        assert_eq!(text(&row[0]), c[0]);
        assert_eq!(text(&row[1]), c[1], "names intact");
        assert_eq!(num(&row[col("Quota")]), c[2].parse::<f64>().unwrap());
        assert_eq!(num(&row[col("Sales P50")]), c[9].parse::<f64>().unwrap());
        assert_eq!(num(&row[col("P(attain)")]), c[14].parse::<f64>().unwrap());
    }

    // Summary: the headline figures equal summary.json (to the last bit
    // but one: serde_json's default parser may round the last bit).
    let same = |a: f64, b: f64| {
        assert!((a - b).abs() <= 2.0 * f64::EPSILON * b.abs(), "{a} vs {b}");
    };
    let figures = sheet(&mut book, "Summary");
    let figure = |name: &str| {
        figures
            .iter()
            .find(|r| text(&r[0]) == name)
            .unwrap_or_else(|| panic!("figure {name}"))[1]
            .clone()
    };
    assert_eq!(
        text(&figure("Scenario")),
        summary["scenario"].as_str().unwrap()
    );
    same(
        num(&figure("P(team hits target)")),
        summary["team"]["p_hit_target"].as_f64().unwrap(),
    );
    same(
        num(&figure("Expected team sales")),
        summary["team"]["sales"]["mean"].as_f64().unwrap(),
    );
    same(
        num(&figure("Bad-year shortfall (1 in 20)")),
        summary["team"]["shortfall"]["var95"].as_f64().unwrap(),
    );

    // Quarters and risks as in their CSV files, risks by rank.
    let quarters = sheet(&mut book, "Quarters");
    let qcsv = csv_rows(&out.join("quarters.csv"));
    assert_eq!(quarters.len() - 1, qcsv.len());
    for (row, c) in quarters[1..].iter().zip(&qcsv) {
        assert_eq!(text(&row[0]), c[0]);
        assert_eq!(num(&row[5]), c[5].parse::<f64>().unwrap(), "P(hit)");
    }
    let risks = sheet(&mut book, "Risks");
    let rcsv = csv_rows(&out.join("risks.csv"));
    assert_eq!(risks.len() - 1, rcsv.len());
    for (row, c) in risks[1..].iter().zip(&rcsv) {
        assert_eq!(text(&row[1]), c[1]);
        assert_eq!(
            num(&row[10]),
            c[10].parse::<f64>().unwrap(),
            "expected loss"
        );
    }

    // Number formats: money in the scenario's currency (CNY: ¥), P(attain)
    // as a percentage; the header bold.
    let styles = book.worksheet_style("Reps").expect("styles");
    let format = |r: u32, c: usize| {
        styles
            .get((r, c as u32))
            .and_then(|s| s.number_format.as_ref())
            .map(|f| f.format_code.clone())
    };
    assert_eq!(format(1, col("Quota")).as_deref(), Some("\"¥\"#,##0"));
    assert_eq!(format(1, col("P(attain)")).as_deref(), Some("0.0%"));
    assert_eq!(format(1, col("P(attain) SE")).as_deref(), Some("0.00%"));
    assert!(
        styles
            .get((0, 0))
            .and_then(|s| s.font.as_ref())
            .is_some_and(|f| f.is_bold()),
        "bold header"
    );
    // Frozen header row and column widths on every sheet.
    for i in 1..=4 {
        let xml = part(&path, &format!("xl/worksheets/sheet{i}.xml"));
        assert!(
            xml.contains(
                r#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#
            ),
            "sheet {i} freezes its header: {xml:.400}"
        );
        assert!(xml.contains("customWidth=\"1\""), "sheet {i} sets widths");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn xlsx_is_the_same_for_any_thread_count() {
    let dir = tmp("xlsx-threads");
    let mut bytes = Vec::new();
    for threads in ["1", "2"] {
        let out = dir.join(threads);
        quotaplan()
            .args([
                "simulate",
                "--trials",
                "3000",
                "--xlsx",
                "-q",
                "--threads",
                threads,
            ])
            .arg("--out")
            .arg(&out)
            .assert()
            .success();
        bytes.push(std::fs::read(out.join("results.xlsx")).expect("written"));
    }
    assert!(
        bytes[0] == bytes[1],
        "results.xlsx differs between 1 and 2 threads"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn other_commands_write_their_workbooks() {
    let dir = tmp("xlsx-commands");
    let q = dir.join("quotas");
    quotaplan()
        .args(["quotas", "--trials", "1000", "--xlsx", "-q", "--out"])
        .arg(&q)
        .assert()
        .success();
    let mut book = open(&q.join("results.xlsx"));
    assert_eq!(book.sheet_names(), ["Summary", "Reps", "Groups"]);
    let reps = sheet(&mut book, "Reps");
    let csv = csv_rows(&q.join("quotas.csv"));
    assert_eq!(reps.len() - 1, csv.len());
    for (row, c) in reps[1..].iter().zip(&csv) {
        assert_eq!(text(&row[1]), c[1]);
        assert_eq!(
            num(&row[7]),
            c[6].parse::<f64>().unwrap(),
            "P(attain) proposed"
        );
    }

    let s = dir.join("split");
    quotaplan()
        .args([
            "split",
            "--trials",
            "500",
            "--time-limit",
            "5",
            "--tolerance",
            "0.2",
            "--xlsx",
            "-q",
            "--out",
        ])
        .arg(&s)
        .assert()
        .success();
    let mut book = open(&s.join("results.xlsx"));
    assert_eq!(book.sheet_names(), ["Summary", "Territories", "Assignment"]);
    let assignment = sheet(&mut book, "Assignment");
    let csv = csv_rows(&s.join("assignment.csv"));
    assert_eq!(assignment.len() - 1, csv.len());
    for (row, c) in assignment[1..].iter().zip(&csv) {
        assert_eq!(text(&row[0]), c[0]);
        assert_eq!(text(&row[1]), c[1], "unit names intact");
        assert_eq!(text(&row[3]), c[3], "new owner");
    }

    let r = dir.join("report");
    quotaplan()
        .args([
            "report", "--trials", "1000", "--charts", "none", "--xlsx", "-q", "--out",
        ])
        .arg(&r)
        .assert()
        .success();
    assert!(r.join("report.html").is_file());
    let book = open(&r.join("results.xlsx"));
    assert_eq!(
        book.sheet_names(),
        ["Summary", "Reps", "Groups", "Quarters", "Risks"]
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn groups_sheets_hold_the_roll_ups() {
    let dir = tmp("xlsx-groups");
    let scenario = dir.join("grouped.toml");
    std::fs::write(&scenario, crate::groups::grouped_format_example()).expect("writes");
    let out = dir.join("sim");
    quotaplan()
        .args(["simulate", "--trials", "2000", "--xlsx", "-q", "--out"])
        .arg(&out)
        .arg(&scenario)
        .assert()
        .success();
    let mut book = open(&out.join("results.xlsx"));
    let groups = sheet(&mut book, "Groups");
    let header: Vec<String> = groups[0].iter().map(text).collect();
    assert_eq!(
        header[..4],
        ["By", "Group", "Reps", "Quota"].map(String::from)
    );
    let col = |name: &str| header.iter().position(|h| h == name).expect(name);
    let csv = csv_rows(&out.join("groups.csv"));
    assert_eq!(groups.len() - 1, csv.len());
    assert_eq!(csv.len(), 9, "3 regions, 4 managers, 2 channels");
    for (row, c) in groups[1..].iter().zip(&csv) {
        assert_eq!(text(&row[0]), c[0]);
        assert_eq!(text(&row[1]), c[1], "group names intact");
        assert_eq!(num(&row[2]), c[2].parse::<f64>().unwrap());
        assert_eq!(num(&row[col("Quota")]), c[3].parse::<f64>().unwrap());
        assert_eq!(num(&row[col("Sales P50")]), c[7].parse::<f64>().unwrap());
        assert_eq!(num(&row[col("P(hit)")]), c[9].parse::<f64>().unwrap());
    }

    let q = dir.join("quotas");
    quotaplan()
        .args(["quotas", "--trials", "1000", "--xlsx", "-q", "--out"])
        .arg(&q)
        .arg(&scenario)
        .assert()
        .success();
    let mut book = open(&q.join("results.xlsx"));
    let groups = sheet(&mut book, "Groups");
    let csv = csv_rows(&q.join("quota_groups.csv"));
    assert_eq!(groups.len() - 1, csv.len());
    assert_eq!(csv.len(), 9);
    for (row, c) in groups[1..].iter().zip(&csv) {
        assert_eq!((text(&row[0]), text(&row[1])), (c[0].clone(), c[1].clone()));
        assert_eq!(num(&row[2]), c[2].parse::<f64>().unwrap(), "reps");
    }
    // The proposed quotas of a group add up to the group's row.
    let reps = sheet(&mut book, "Reps");
    let proposed: f64 = reps[1..].iter().map(|r| num(&r[4])).sum();
    let regions: f64 = groups[1..]
        .iter()
        .filter(|r| text(&r[0]) == "region")
        .map(|r| num(&r[4]))
        .sum();
    assert!(
        (proposed - regions).abs() < 1e-6 * proposed,
        "{proposed} vs {regions}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn mitigate_xlsx_ranks_the_mitigations() {
    let dir = tmp("xlsx-mitigate");
    let m = dir.join("m");
    quotaplan()
        .args([
            "mitigate",
            "--trials",
            "500",
            "--rebalance-seeds",
            "1",
            "--xlsx",
            "-q",
            "--out",
        ])
        .arg(&m)
        .assert()
        .success();
    let mut book = open(&m.join("results.xlsx"));
    assert_eq!(book.sheet_names(), ["Summary", "Mitigations", "Sets"]);
    let ranked = sheet(&mut book, "Mitigations");
    let csv = csv_rows(&m.join("mitigations.csv"));
    assert_eq!(ranked.len() - 1, csv.len());
    for (row, c) in ranked[1..].iter().zip(&csv) {
        assert_eq!(text(&row[1]), c[1]);
        assert_eq!(num(&row[4]), c[4].parse::<f64>().unwrap(), "ΔP");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A units CSV as a workbook sheet `Accounts`: numbers as number cells
/// (one as a formula with its cached value), `locked` as booleans, the
/// table from B3 (rows and columns before it empty), formatted empty rows
/// after it, and a second sheet.
fn units_workbook(csv_text: &str) -> Vec<u8> {
    let mut book = Workbook::new();
    book.add_worksheet()
        .set_name("Notes")
        .unwrap()
        .write_string(0, 0, "see Accounts")
        .unwrap();
    let ws = book.add_worksheet().set_name("Accounts").unwrap();
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv_text.as_bytes());
    let mut last = 0;
    for (r, rec) in rdr.records().enumerate() {
        let rec = rec.unwrap();
        let row = r as u32 + 2;
        last = row;
        for (c, v) in rec.iter().enumerate() {
            let col = c as u16 + 1;
            if v.is_empty() {
                continue;
            }
            if r == 1 && c == 6 {
                let x: f64 = v.parse().unwrap();
                ws.write_formula(
                    row,
                    col,
                    Formula::new(format!("={}*2", x / 2.0)).set_result(v),
                )
                .unwrap();
            } else if r > 0 && (v == "true" || v == "false") {
                ws.write_boolean(row, col, v == "true").unwrap();
            } else if let Ok(x) = v.parse::<f64>() {
                ws.write_number(row, col, x).unwrap();
            } else {
                ws.write_string(row, col, v).unwrap();
            }
        }
    }
    let grey = Format::new().set_background_color("#EEEEEE");
    for row in last + 1..last + 4 {
        ws.write_blank(row, 1, &grey).unwrap();
    }
    book.save_to_buffer().unwrap()
}

#[test]
fn units_from_a_workbook_give_the_same_results_as_the_csv() {
    let dir = tmp("xlsx-units");
    let toml = std::fs::read_to_string(repo("scenarios/demo.toml")).unwrap();
    let units = std::fs::read_to_string(repo("scenarios/demo-units.csv")).unwrap();
    std::fs::write(dir.join("demo-units.csv"), &units).unwrap();
    std::fs::write(dir.join("demo.toml"), &toml).unwrap();
    std::fs::write(dir.join("accounts.xlsx"), units_workbook(&units)).unwrap();
    assert_eq!(toml.matches("file = \"demo-units.csv\"").count(), 1);
    std::fs::write(
        dir.join("book.toml"),
        toml.replace(
            "file = \"demo-units.csv\"",
            "file = \"accounts.xlsx\"\nsheet = \"Accounts\"",
        ),
    )
    .unwrap();
    let mut summaries = Vec::new();
    for name in ["demo.toml", "book.toml"] {
        let out = dir.join(format!("out-{name}"));
        let o = quotaplan()
            .args(["simulate", "--trials", "2000", "-q"])
            .arg(dir.join(name))
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(
            o.stderr.is_empty(),
            "{name}: no warnings: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        summaries.push(std::fs::read(out.join("summary.json")).unwrap());
    }
    assert!(
        summaries[0] == summaries[1],
        "summary.json from the workbook differs from the CSV's"
    );
    // split writes the new alignment's units as a CSV, and a scenario
    // naming it without the sheet, which validates cleanly.
    let split = dir.join("split");
    quotaplan()
        .args([
            "split",
            "--trials",
            "300",
            "--time-limit",
            "5",
            "--tolerance",
            "0.2",
            "-q",
        ])
        .arg(dir.join("book.toml"))
        .arg("--out")
        .arg(&split)
        .assert()
        .success();
    let new = std::fs::read_to_string(split.join("book.split.toml")).unwrap();
    assert!(new.contains("file = \"book.split-units.csv\""), "{new}");
    assert!(!new.contains("sheet ="), "{new}");
    let o = quotaplan()
        .arg("validate")
        .arg(split.join("book.split.toml"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        !String::from_utf8_lossy(&o.stderr).contains("warning:"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // Without `sheet`, the first sheet is read: here the notes, which
    // have no units columns.
    std::fs::write(
        dir.join("first.toml"),
        toml.replace("file = \"demo-units.csv\"", "file = \"accounts.xlsx\""),
    )
    .unwrap();
    let o = quotaplan()
        .args(["validate"])
        .arg(dir.join("first.toml"))
        .output()
        .unwrap();
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("accounts.xlsx[Notes]!A1: the units sheet has no `id` column"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Reads files from memory as bytes (workbooks are not text).
struct Bytes(Vec<(String, Vec<u8>)>);

impl SourceLoader for Bytes {
    fn load(&self, _from: &str, path: &str) -> std::io::Result<SourceBytes> {
        self.0
            .iter()
            .find(|(n, _)| n == path)
            .map(|(n, b)| SourceBytes {
                name: n.clone(),
                key: n.clone(),
                bytes: b.clone(),
            })
            .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"))
    }
}

const SCENARIO: &str = r#"
[scenario]
name = "t"
company_target = 3000000

[units]
file = "accounts.xlsx"
sheet = "Accounts"

[[reps]]
id = "R01"
quota = 1000000

[[reps]]
id = "R02"
quota = 1000000
"#;

/// 20 units on sheet `Accounts` (and a sheet `Notes`), columns id, name,
/// owner, potential (D), workload_hours (E); `edit` changes cells.
fn accounts(edit: impl FnOnce(&mut rust_xlsxwriter::Worksheet)) -> Vec<u8> {
    let mut book = Workbook::new();
    let ws = book.add_worksheet().set_name("Accounts").unwrap();
    for (c, h) in ["id", "name", "owner", "potential", "workload_hours"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for i in 1..=20u32 {
        ws.write_string(i, 0, format!("U{i:02}")).unwrap();
        ws.write_string(i, 1, format!("客户{i}")).unwrap();
        ws.write_string(i, 2, if i % 2 == 0 { "R01" } else { "R02" })
            .unwrap();
        ws.write_number(i, 3, 150000.0).unwrap();
        ws.write_number(i, 4, 100.0).unwrap();
    }
    edit(ws);
    book.add_worksheet().set_name("Notes").unwrap();
    book.save_to_buffer().unwrap()
}

fn problems(toml: &str, workbook: Vec<u8>) -> Vec<String> {
    let l = scenario::load(
        "s.toml",
        toml,
        &Bytes(vec![("accounts.xlsx".into(), workbook)]),
        Purpose::Simulate,
    );
    l.problems.iter().map(|p| p.plain(&l.sources)).collect()
}

#[test]
fn a_good_workbook_has_no_problems() {
    assert_eq!(problems(SCENARIO, accounts(|_| {})), Vec::<String>::new());
}

#[test]
fn bad_cells_are_named_by_sheet_row_and_column_all_in_one_pass() {
    let wb = accounts(|ws| {
        ws.write_string(16, 3, "1,2 Mio").unwrap(); // D17
        ws.write_boolean(4, 3, true).unwrap(); // D5
        let date = Format::new().set_num_format("yyyy-mm-dd");
        ws.write_datetime_with_format(19, 4, ExcelDateTime::from_ymd(2024, 1, 5).unwrap(), &date)
            .unwrap(); // E20
        ws.write_string(7, 2, "R9").unwrap(); // C8
    });
    let help = "(a number cell, or text holding a plain number such as 1250000 or 0.18; a date, a boolean (TRUE/FALSE) or an error value (#N/A) is not a number)";
    assert_eq!(
        problems(SCENARIO, wb),
        [
            format!("error: accounts.xlsx[Accounts]!D5: column `potential` must be a number, found `TRUE` {help}"),
            "error: accounts.xlsx[Accounts]!C8: unit `U07` is owned by `R9`, which is not a rep (owners must be ids of [[reps]])".to_string(),
            format!("error: accounts.xlsx[Accounts]!D17: column `potential` must be a number, found `1,2 Mio` {help}"),
            format!("error: accounts.xlsx[Accounts]!E20: column `workload_hours` must be a number, found `2024-01-05` {help}"),
        ]
    );
}

#[test]
fn a_missing_sheet_lists_the_sheets() {
    let p = problems(
        &SCENARIO.replace("\"Accounts\"", "\"Acounts\""),
        accounts(|_| {}),
    );
    assert_eq!(
        p,
        [
            "error: s.toml:8:9: the units workbook `accounts.xlsx` has no sheet `Acounts` (did you mean `Accounts`? its sheets: Accounts, Notes)"
        ]
    );
}

#[test]
fn a_missing_column_and_an_empty_sheet() {
    let no_potential = accounts(|ws| {
        ws.write_string(0, 3, "Potential EUR").unwrap();
    });
    let p = problems(SCENARIO, no_potential);
    assert!(
        p.iter().any(|l| l.starts_with(
            "error: accounts.xlsx[Accounts]!A1:E1: the units sheet has no `potential` column"
        )),
        "{p:#?}"
    );
    assert!(
        p.iter().any(|l| l.starts_with(
            "warning: accounts.xlsx[Accounts]!D1: unknown column `Potential EUR` is ignored"
        )),
        "{p:#?}"
    );
    let p = problems(
        &SCENARIO.replace("\"Accounts\"", "\"Notes\""),
        accounts(|_| {}),
    );
    assert_eq!(
        p,
        [
            "error: s.toml:8:9: sheet `Notes` of the units workbook `accounts.xlsx` is empty (the first row holds the column names (id, potential, owner, ...), then one unit per row)"
        ]
    );
}

#[test]
fn a_header_without_rows_and_cells_outside_the_table() {
    let mut book = Workbook::new();
    let ws = book.add_worksheet().set_name("Accounts").unwrap();
    ws.write_string(0, 0, "id").unwrap();
    ws.write_string(0, 1, "potential").unwrap();
    let p = problems(SCENARIO, book.save_to_buffer().unwrap());
    assert!(
        p.contains(&"error: accounts.xlsx[Accounts]!A1:B1: the units sheet has no rows, only a header (add one row per unit below the header)".to_string()),
        "{p:#?}"
    );
    let wb = accounts(|ws| {
        ws.write_string(3, 7, "call back").unwrap(); // H4
        ws.write_string(9, 6, "vip").unwrap(); // G10
    });
    let p = problems(SCENARIO, wb);
    assert_eq!(
        p,
        [
            "warning: accounts.xlsx[Accounts]!A4:E4: cell H4 (and 1 more) has a value but no column header above it: ignored (the first row with a value is the header; give the column a name to read it)"
        ]
    );
}

#[test]
fn not_a_workbook() {
    let p = problems(SCENARIO, b"id,potential\nU1,5\n".to_vec());
    assert_eq!(p.len(), 1, "{p:#?}");
    assert!(
        p[0].starts_with("error: s.toml:7:8: cannot read units workbook `accounts.xlsx`: it is not an .xlsx workbook ("),
        "{p:#?}"
    );
}

/// The CLI: each hostile workbook fails with its message, exit 1, and
/// writes nothing.
#[test]
fn hostile_workbooks_fail_and_write_nothing() {
    let dir = tmp("xlsx-hostile");
    let bad_cell = accounts(|ws| {
        ws.write_string(16, 3, "abc").unwrap();
    });
    let cases: Vec<(&str, String, Vec<u8>, &str)> = vec![
        (
            "cell",
            SCENARIO.to_string(),
            bad_cell,
            "accounts.xlsx[Accounts]!D17: column `potential` must be a number, found `abc`",
        ),
        (
            "sheet",
            SCENARIO.replace("\"Accounts\"", "\"Acounts\""),
            accounts(|_| {}),
            "its sheets: Accounts, Notes",
        ),
        (
            "column",
            SCENARIO.to_string(),
            accounts(|ws| {
                ws.write_string(0, 3, "pot").unwrap();
            }),
            "the units sheet has no `potential` column",
        ),
        (
            "empty",
            SCENARIO.replace("\"Accounts\"", "\"Notes\""),
            accounts(|_| {}),
            "sheet `Notes` of the units workbook `accounts.xlsx` is empty",
        ),
        (
            "zip",
            SCENARIO.to_string(),
            b"not a zip".to_vec(),
            "it is not an .xlsx workbook",
        ),
    ];
    for (name, toml, wb, want) in cases {
        let case = dir.join(name);
        std::fs::create_dir_all(&case).unwrap();
        std::fs::write(case.join("s.toml"), &toml).unwrap();
        std::fs::write(case.join("accounts.xlsx"), &wb).unwrap();
        let out: PathBuf = case.join("out");
        let o = quotaplan()
            .args(["simulate", "--xlsx", "--out"])
            .arg(&out)
            .arg(case.join("s.toml"))
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{name}: {err}");
        assert!(err.contains(want), "{name}: want `{want}` in\n{err}");
        assert!(!out.exists(), "{name}: nothing written");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
