//! What `--json` prints: one JSON document on stdout, the same content as
//! the command's files (a JSON file as it is; CSV files as arrays of row
//! objects keyed by column, numbers as numbers, empty cells as null).

use super::fail::Fail;
use super::output::print;
use quotaplan::report::OutputFile;

/// Prints `value` pretty, with a final newline.
pub fn print_json(value: &serde_json::Value) -> Result<(), Fail> {
    print(&(serde_json::to_string_pretty(value).expect("plain data") + "\n"))
}

/// The rows of a CSV file as JSON objects: a cell that reads as a finite
/// number is a number, `true`/`false` a boolean, an empty cell null, and
/// anything else a string. A byte-order mark is skipped.
pub fn csv_rows(bytes: &[u8]) -> serde_json::Value {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut r = csv::Reader::from_reader(bytes);
    let heads: Vec<String> = r
        .headers()
        .map(|h| h.iter().map(str::to_string).collect())
        .unwrap_or_default();
    let rows = r
        .records()
        .filter_map(Result::ok)
        .map(|rec| {
            let obj: serde_json::Map<String, serde_json::Value> = heads
                .iter()
                .zip(rec.iter())
                .map(|(h, cell)| (h.clone(), cell_value(cell)))
                .collect();
            serde_json::Value::Object(obj)
        })
        .collect();
    serde_json::Value::Array(rows)
}

fn cell_value(cell: &str) -> serde_json::Value {
    if cell.is_empty() {
        return serde_json::Value::Null;
    }
    match cell {
        "true" => return serde_json::Value::Bool(true),
        "false" => return serde_json::Value::Bool(false),
        _ => {}
    }
    // "007" is a name, not seven: only numbers written as numbers are.
    let digits = cell.trim_start_matches('-');
    let leading_zero = digits.len() > 1 && digits.starts_with('0') && !digits.starts_with("0.");
    match cell.parse::<f64>() {
        Ok(x) if x.is_finite() && !cell.starts_with('+') && !leading_zero => {
            serde_json::Number::from_f64(x).map_or_else(
                || serde_json::Value::String(cell.into()),
                serde_json::Value::Number,
            )
        }
        _ => serde_json::Value::String(cell.to_string()),
    }
}

/// A result folder's files as one document: each JSON file under its
/// stem as it is, each CSV file under its stem as rows; other files
/// (charts) are left out.
pub fn files(files: &[OutputFile]) -> serde_json::Value {
    let mut obj = serde_json::Map::new();
    for f in files {
        let Some((stem, ext)) = f.name.rsplit_once('.') else {
            continue;
        };
        let value = match ext {
            "json" => match serde_json::from_slice(&f.bytes) {
                Ok(v) => v,
                Err(_) => continue,
            },
            "csv" => csv_rows(&f.bytes),
            _ => continue,
        };
        obj.insert(stem.to_string(), value);
    }
    serde_json::Value::Object(obj)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_rows_keep_numbers_as_numbers() {
        let v = csv_rows(b"\xEF\xBB\xBFid,name,p,pinned,ok\nR01,\xE7\x8E\x8B,0.25,,true\nR02,007,1e3,max,false\n");
        assert_eq!(
            v,
            serde_json::json!([
                {"id": "R01", "name": "王", "p": 0.25, "pinned": null, "ok": true},
                {"id": "R02", "name": "007", "p": 1000.0, "pinned": "max", "ok": false}
            ])
        );
    }
}
