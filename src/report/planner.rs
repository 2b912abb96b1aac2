//! The report's quota planner: a table of the planned reps with a quota
//! field and a slider each, the figures that follow from the quotas, and
//! the script that recomputes them in the page (`planner.js`). The page
//! still loads nothing: the data is an inline JSON block and the script is
//! inline, allowed by its hash in the Content-Security-Policy.

use super::escape::escape as esc;
use super::html::pct;
use crate::analysis::PlannerData;
use crate::source::{Setting, Spelling};
use sha2::{Digest, Sha256};
use std::fmt::Write;

/// The planner's script, as the page embeds it.
pub const SCRIPT: &str = include_str!("planner.js");

/// The CSP source that allows [`SCRIPT`] and nothing else:
/// `'sha256-…'` of its text.
pub fn script_source() -> String {
    format!("'sha256-{}'", base64(&Sha256::digest(SCRIPT.as_bytes())))
}

/// Standard base64 with padding (the CSP hash form).
fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut o = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for c in bytes.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= c.len() {
                o.push(A[(n >> shift & 63) as usize] as char);
            } else {
                o.push('=');
            }
        }
    }
    o
}

/// The planner's CSS (added to the report's).
pub const CSS: &str = r#"
.plan-tools { display: flex; flex-wrap: wrap; gap: 8px; margin: 10px 0; }
.plan-tools button { font: inherit; font-size: 14px; padding: 5px 12px; border: 1px solid var(--blue);
  border-radius: 5px; background: #fff; color: var(--blue); cursor: pointer; }
.plan-tools button:hover { background: #eef4fb; }
#plan-table input[type=number] { width: 9.5em; font: inherit; text-align: right; padding: 2px 4px; }
#plan-table input[type=number][aria-invalid] { outline: 2px solid var(--red); }
#plan-table input[type=range] { width: 100%; min-width: 90px; }
#plan-table td.slider { width: 26%; }
#plan-note:empty { display: none; }
#plan-cards { grid-template-columns: repeat(auto-fit, minmax(175px, 1fr)); }
.plan-legend span { margin-right: 16px; white-space: nowrap; }
@media (max-width: 860px) { #plan-table .wide { display: none; } #plan-table td.slider { width: 16%; }
  #plan-table input[type=number] { width: 7.5em; } #plan-table input[type=range] { min-width: 60px; }
  #plan-table th, #plan-table td { padding: 5px 5px; } }
@media print { .plan-tools, #plan-table td.slider, #plan-table th.slider { display: none; } }
"#;

/// A whole number of currency units as the input shows it.
fn plain(x: f64) -> String {
    format!("{x}")
}

/// A slider's end: a round number above the rep's largest sales and
/// twice its quota; and its step.
fn slider(max_sales: f64, quota: f64) -> (f64, f64) {
    let top = max_sales.max(2.0 * quota).max(1.0);
    let step = 10f64.powf((top / 1000.0).log10().floor()).max(1.0);
    ((top / step).ceil() * step, step)
}

/// The planner section; empty data draws nothing.
pub fn section(o: &mut String, p: &PlannerData, spelling: Spelling) {
    let (from, set) = (spelling.of(Setting::From), spelling.of(Setting::Set));
    if p.reps.is_empty() {
        return;
    }
    let cur = esc(&p.currency);
    let err = p.max_error();
    let _ = writeln!(
        o,
        "<section id=\"planner\">\n<h2>Quota planner</h2>\n\
<p>Change a quota (type it, or drag its slider) and every figure below follows at once. A rep's sales do not depend on its quota, so P(attain) for any quota is read from the rep's simulated sales: {} quantiles of its {} simulated years. Read that way it is within <b>±{:.4}</b> of what <code>quotaplan simulate {set} reps.ID.quota=…</code> gives on the same seed and trials (the grid's step {:.4}, plus at most one histogram bin's share of trials, each rep's sales binned in 1,000 bins up to 2.5× its expected sales). The link keeps the quotas (<code>#quota=R01:5000000,…</code>): copy it to share the what-if.</p>",
        super::format::money(p.quantiles as f64),
        super::format::money(p.trials as f64),
        err,
        1.0 / p.quantiles as f64
    );
    if p.fixed_reps > 0 {
        let _ = writeln!(
            o,
            "<p>The run has more reps than the report lists: the planner plans the {} listed reps; the other {} keep their quotas ({} {cur} in all), which count in the sum against the target.</p>",
            p.reps.len(),
            p.fixed_reps,
            super::format::money(p.fixed_quota)
        );
    }
    o.push_str("<noscript><p class=\"notes\">The planner needs JavaScript; the table shows the run's quotas.</p></noscript>\n");
    let _ = writeln!(
        o,
        "<div class=\"plan-tools\"><button type=\"button\" id=\"plan-reset\">Reset</button>\
<button type=\"button\" id=\"plan-equal\" title=\"Every rep the same P(attain), quotas adding up to the current total\">Equal probability</button>\
<button type=\"button\" id=\"plan-prop\" title=\"Quotas proportional to expected sales, adding up to the current total\">Proportional</button>\
<button type=\"button\" id=\"plan-export\" title=\"Download quotas.csv (rep,quota) for quotaplan quotas {from}\">Export quotas (CSV)</button></div>"
    );
    let comp_card = if p.comp.is_some() {
        "<div class=\"card\"><div class=\"k\">Expected payout</div><div class=\"v\" id=\"plan-pay\">—</div><div class=\"s\" id=\"plan-pay-s\"></div></div>"
    } else {
        ""
    };
    let _ = writeln!(
        o,
        "<div class=\"cards\" id=\"plan-cards\">\
<div class=\"card\"><div class=\"k\">Sum of quotas ({cur})</div><div class=\"v\" id=\"plan-total\">—</div><div class=\"s\" id=\"plan-total-s\"></div></div>\
<div class=\"card\"><div class=\"k\">Over-assignment</div><div class=\"v\" id=\"plan-over\">—</div><div class=\"s\" id=\"plan-over-s\"></div></div>\
<div class=\"card\"><div class=\"k\">Reps in the fair band</div><div class=\"v\" id=\"plan-fair\">—</div><div class=\"s\" id=\"plan-fair-s\"></div></div>\
<div class=\"card\"><div class=\"k\">Reps at quota</div><div class=\"v\" id=\"plan-at\">—</div><div class=\"s\" id=\"plan-at-s\"></div></div>\
{comp_card}</div>\n<p class=\"notes\" id=\"plan-note\"></p>"
    );
    let _ = writeln!(
        o,
        "<p class=\"plan-legend muted\">P(attain): <span class=\"p-low\">below {}: flagged, out of reach</span> <span class=\"p-mid\">{} to {}: the fair band</span> <span class=\"p-high\">above {}: flagged, too easy</span></p>",
        pct(p.fair[0]),
        pct(p.fair[0]),
        pct(p.fair[1]),
        pct(p.fair[1])
    );
    let pay_head = if p.comp.is_some() {
        format!("<th>Expected payout ({cur})</th>")
    } else {
        String::new()
    };
    let _ = writeln!(
        o,
        "<div class=\"scroll\"><table id=\"plan-table\"><thead><tr><th class=\"t\">Rep</th><th class=\"t\">Name</th><th>Quota ({cur})</th><th class=\"slider\">Adjust</th><th>P(attain)</th>{pay_head}<th class=\"wide\">Mean sales</th><th>Quota / mean</th></tr></thead><tbody>"
    );
    for r in &p.reps {
        let qs = r.quantiles();
        let pa = r.p_attain_at(r.quota);
        let (max, step) = slider(*qs.last().unwrap_or(&0.0), r.quota);
        let class = if pa < p.fair[0] {
            "p-low"
        } else if pa > p.fair[1] {
            "p-high"
        } else {
            "p-mid"
        };
        let id = esc(&r.id);
        let _ = writeln!(
            o,
            "<tr data-rep=\"{id}\" data-p-attain=\"{pa:.4}\" data-quota=\"{q}\"><td class=\"t\">{id}</td><td class=\"t\">{}</td>\
<td><input type=\"number\" min=\"0\" step=\"any\" value=\"{q}\" aria-label=\"Quota of {id}\"></td>\
<td class=\"slider\"><input type=\"range\" min=\"0\" max=\"{}\" step=\"{}\" value=\"{q}\" aria-label=\"Quota of {id} (slider)\"></td>\
<td class=\"plan-p {class}\">{}</td>{}<td class=\"wide\">{}</td><td class=\"plan-ratio\">{}</td></tr>",
            esc(&r.name),
            plain(max),
            plain(step),
            pct(pa),
            if p.comp.is_some() {
                "<td class=\"plan-pay\">—</td>"
            } else {
                ""
            },
            super::format::money(r.mean),
            if r.mean > 0.0 {
                pct(r.quota / r.mean)
            } else {
                "—".into()
            },
            q = plain(r.quota),
        );
    }
    o.push_str("</tbody></table></div>\n");
    let _ = writeln!(
        o,
        "<p class=\"muted\">Expected payout: the comp plan's payout for the quota, averaged over the rep's simulated sales, plus its expected share of the team bonus (which depends on the team only). Equal probability gives every listed rep the same P(attain) at the current total (no bounds held); proportional follows expected sales before market risks. Export quotas downloads <code>quotas.csv</code>; <code>quotaplan quotas SCENARIO {from} quotas.csv</code> turns it into a scenario with those quotas.</p>"
    );
    // The data: JSON in a block the browser never runs; `</` escaped so
    // no name can end the block.
    let json = serde_json::to_string(p)
        .unwrap_or_else(|_| "{}".into())
        .replace("</", "<\\/")
        .replace("<!--", "<\\!--");
    let _ = writeln!(
        o,
        "<script type=\"application/json\" id=\"planner-data\">{json}</script>\n<script>{SCRIPT}</script>\n</section>"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_standard_alphabet_and_padding() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
        // The CSP hash of "" is well known.
        assert_eq!(
            base64(&Sha256::digest(b"")),
            "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
        );
    }

    #[test]
    fn sliders_end_on_a_round_number_above_sales_and_twice_the_quota() {
        assert_eq!(slider(9_876_543.0, 4_000_000.0), (9_877_000.0, 1000.0));
        assert_eq!(slider(1_000.0, 4_000.0), (8_000.0, 1.0));
    }
}
