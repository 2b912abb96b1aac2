//! The territory map: Voronoi cells of the units coloured by territory,
//! borders between territories, units sized by potential, each rep's home
//! marked, units that change owner against a reference assignment ringed,
//! one label per territory inside it, and a legend of the territories
//! below the map.
//!
//! [`chart`] builds it (fixing the legend's layout, and so the chart's
//! height); [`draw`] draws it layer by layer ([`layers`]). Each
//! territory's label belongs at its anchor ([`anchors`]: the rep's home,
//! else the territory's pole of inaccessibility) and is placed without
//! overlaps ([`labels`]).

mod anchors;
mod geometry;
mod grid;
mod labels;
mod layers;
mod legend;
mod markers;
mod text;
mod voronoi;

pub use layers::draw;

use super::fonts::FontSet;
use super::{Chart, Kind};
use crate::analysis::{MapData, MapRep, MapUnit};
use geometry::extent;
use legend::{Legend, legend_layout};
use text::text_em;

const WIDTH: u32 = 960;

#[derive(Clone, Debug)]
pub struct MapChart {
    units: Vec<MapUnit>,
    reps: Vec<MapRep>,
    assignment: Vec<Option<usize>>,
    changed: Option<Vec<bool>>,
    projection: String,
    legend: Legend,
}

pub fn chart(
    map: &MapData,
    assignment: &[Option<usize>],
    compare_to: Option<&[Option<usize>]>,
    title: &str,
) -> Option<Chart> {
    if map.units.is_empty() {
        return None;
    }
    let n = map.units.len();
    let k = map.reps.len();
    let fit = |a: &[Option<usize>]| -> Vec<Option<usize>> {
        (0..n)
            .map(|i| a.get(i).copied().flatten().filter(|&t| t < k))
            .collect()
    };
    let assignment = fit(assignment);
    let changed = compare_to.map(|c| {
        let c = fit(c);
        assignment.iter().zip(&c).map(|(a, b)| a != b).collect()
    });
    let (x0, x1, y0, y1) = extent(&map.units);
    let ratio = ((y1 - y0) / (x1 - x0)).clamp(0.45, 1.0);
    let has_home = map.reps.iter().any(|r| home_of(r).is_some());
    let key = has_home || changed.is_some() || assignment.iter().any(Option::is_none);
    let fonts = FontSet::embedded();
    let widths: Vec<f64> = map
        .reps
        .iter()
        .map(|r| text_em(&fonts, &legend_text(r)))
        .collect();
    let legend = legend_layout(&widths, key);
    let height = (f64::from(WIDTH - 40) * ratio + 90.0 + legend.height).round() as u32;
    let moved = changed
        .as_ref()
        .map(|c: &Vec<bool>| c.iter().filter(|&&x| x).count());
    Some(Chart {
        id: if compare_to.is_some() {
            "territory-map-proposed".into()
        } else {
            "territory-map".into()
        },
        title: title.to_string(),
        caption: format!(
            "{} units as cells (each point of the map belongs to its nearest unit), coloured by territory (legend below the map); thick lines are territory borders, dots are units sized by potential{}{}.",
            n,
            if has_home {
                "; a house marks each rep's home"
            } else {
                ""
            },
            match moved {
                Some(m) => format!("; {m} ringed units change owner"),
                None => String::new(),
            }
        ),
        size: (WIDTH, height),
        kind: Kind::Map(MapChart {
            units: map.units.clone(),
            reps: map.reps.clone(),
            assignment,
            changed,
            projection: map.projection.clone(),
            legend,
        }),
    })
}

/// A rep's home when it is a finite point.
fn home_of(r: &MapRep) -> Option<(f64, f64)> {
    r.home
        .map(|h| (h[0], h[1]))
        .filter(|h| h.0.is_finite() && h.1.is_finite())
}

/// "R01 王芳" (or the id alone when the name adds nothing).
fn legend_text(r: &MapRep) -> String {
    if r.name.is_empty() || r.name == r.id {
        r.id.clone()
    } else {
        format!("{} {}", r.id, r.name)
    }
}

#[cfg(test)]
mod tests;
