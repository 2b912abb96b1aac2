use super::anchors::{anchors, cell_of};
use super::geometry::{Rect, segments_meet};
use super::labels::{Drawn, LABEL_GAP, LABEL_H, Placed, Scene, Want, labels, place};
use super::layers::{LABEL_BG, MAX_CELLS};
use super::legend::LEGEND_MAX_ROWS;
use super::markers::HOUSE;
use super::text::{est_em, fit_text, text_width};
use super::*;
use crate::report::charts::draw::Cx;

/// A deterministic stream of numbers in [0, 1).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn d2(a: (f64, f64), b: (f64, f64)) -> f64 {
    (a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)
}

/// `n` units scattered over a 100 × 70 box, each owned by the nearest
/// of `k` seeds; reps T01..Tk named "Name t", without homes.
fn synthetic(n: usize, k: usize, seed: u64) -> MapData {
    let mut r = Lcg(seed);
    let seeds: Vec<(f64, f64)> = (0..k)
        .map(|_| (r.next() * 100.0, r.next() * 70.0))
        .collect();
    let units = (0..n)
        .map(|i| {
            let p = (r.next() * 100.0, r.next() * 70.0);
            let owner = (0..k).min_by(|&a, &b| d2(seeds[a], p).total_cmp(&d2(seeds[b], p)));
            MapUnit {
                id: format!("U{i:05}"),
                name: String::new(),
                x: p.0,
                y: p.1,
                potential: 1.0 + 9.0 * r.next(),
                owner,
            }
        })
        .collect();
    let reps = (0..k)
        .map(|t| MapRep {
            id: format!("T{:02}", t + 1),
            name: format!("Name {}", t + 1),
            home: None,
        })
        .collect();
    MapData {
        projection: "planar".into(),
        units,
        reps,
    }
}

fn map_chart(c: &Chart) -> &MapChart {
    match &c.kind {
        Kind::Map(m) => m,
        _ => panic!("not a map"),
    }
}

/// The labels of `c` laid out as `draw` lays them out at scale 1 on a
/// `w` × `h` plot, with home markers as obstacles.
fn layout(c: &MapChart, w: f64, h: f64) -> (Vec<Drawn>, Rect, Vec<(Rect, usize)>) {
    let fonts = FontSet::embedded();
    let cx = Cx::new(&fonts, false, 1.0);
    let (x0, x1, y0, y1) = extent(&c.units);
    let s = (w / (x1 - x0)).min(h / (y1 - y0));
    let at = move |p: (f64, f64)| {
        (
            ((p.0 - x0) * s).round() as i32,
            ((y1 - p.1) * s).round() as i32,
        )
    };
    let bounds = Rect {
        x0: 2.0,
        y0: 2.0,
        x1: (x1 - x0) * s - 2.0,
        y1: (y1 - y0) * s - 2.0,
    };
    let obstacles: Vec<(Rect, usize)> = c
        .reps
        .iter()
        .enumerate()
        .filter_map(|(t, r)| {
            let p = at(home_of(r)?);
            Some((
                Rect::around((f64::from(p.0), f64::from(p.1)), HOUSE + 2.5),
                t,
            ))
        })
        .collect();
    let dots: Vec<(f64, f64)> = c
        .units
        .iter()
        .map(|u| {
            let p = at((u.x, u.y));
            (f64::from(p.0), f64::from(p.1))
        })
        .collect();
    let drawn = labels(c, &cx, &at, bounds, &obstacles, &dots);
    (drawn, bounds, obstacles)
}

#[test]
fn text_estimates_count_cjk_as_wide() {
    assert_eq!(est_em("王芳"), 2.0);
    assert!((est_em("ab") - 1.2).abs() < 1e-12);
    assert!((est_em("R01 王芳") - (4.0 * 0.6 + 2.0)).abs() < 1e-12);
    let fonts = FontSet::embedded();
    let cx = Cx::new(&fonts, false, 2.0);
    // Never below the estimate, scaled to backend pixels.
    assert!(text_width(&cx, "待招聘", 10.0) >= 60.0);
    let cut = fit_text(&cx, "A very long territory name indeed", 12.0, 80.0);
    assert!(
        cut.ends_with('…') && text_width(&cx, &cut, 12.0) <= 80.0,
        "{cut}"
    );
}

#[test]
fn boxes_and_segments_meet_as_geometry_says() {
    let r = Rect {
        x0: 0.0,
        y0: 0.0,
        x1: 10.0,
        y1: 5.0,
    };
    assert!(r.crossed_by((-5.0, 2.0), (15.0, 2.0)));
    assert!(r.crossed_by((5.0, 2.0), (5.0, 30.0)));
    assert!(!r.crossed_by((-5.0, 6.0), (15.0, 6.0)));
    assert!(!r.crossed_by((-5.0, -1.0), (-1.0, 20.0)));
    // Along an edge is not through the interior.
    assert!(!r.crossed_by((0.0, -3.0), (0.0, 8.0)));
    assert!(r.hits(&Rect {
        x0: 9.0,
        y0: 4.0,
        x1: 20.0,
        y1: 20.0
    }));
    assert!(!r.hits(&Rect {
        x0: 10.0,
        y0: 0.0,
        x1: 20.0,
        y1: 5.0
    }));
    assert!(segments_meet(
        (0.0, 0.0),
        (10.0, 10.0),
        (0.0, 10.0),
        (10.0, 0.0)
    ));
    assert!(!segments_meet(
        (0.0, 0.0),
        (1.0, 1.0),
        (0.0, 10.0),
        (10.0, 0.0)
    ));
}

#[test]
fn every_label_anchor_lies_in_a_unit_of_its_own_territory() {
    let mut m = synthetic(400, 15, 7);
    let first = |m: &MapData, t: usize| m.units.iter().position(|u| u.owner == Some(t)).unwrap();
    // Rep 1's home is a unit it owns; rep 2's is a unit rep 3 owns.
    let h1 = first(&m, 1);
    m.reps[1].home = Some([m.units[h1].x, m.units[h1].y]);
    let h2 = first(&m, 3);
    m.reps[2].home = Some([m.units[h2].x, m.units[h2].y]);
    // Two units at one place with different owners, and one unit without.
    let (a, b) = (
        first(&m, 4),
        m.units.iter().position(|u| u.owner == Some(5)).unwrap(),
    );
    (m.units[b].x, m.units[b].y) = (m.units[a].x, m.units[a].y);
    let none = first(&m, 6);
    m.units[none].owner = None;
    let asg = m.current();
    let got = anchors(&m.units, &asg, &m.reps);
    for (t, an) in got.iter().enumerate() {
        let Some(an) = an else {
            assert!(
                !asg.contains(&Some(t)),
                "territory {t} has units but no anchor"
            );
            continue;
        };
        let cell = cell_of(&m.units, an.at).unwrap();
        assert_eq!(
            asg[cell],
            Some(t),
            "territory {t}: anchor {:?} lies in unit {cell}",
            an.at
        );
        assert_eq!(an.unit, cell);
    }
    let home1 = got[1].unwrap();
    assert!(home1.home && home1.at == (m.units[h1].x, m.units[h1].y));
    let home2 = got[2].unwrap();
    assert!(!home2.home, "a home in another territory is no anchor");

    // The same through the layout that draws them, dense and sparse.
    for (m, w, h) in [
        (m.clone(), 900.0, 640.0),
        (synthetic(1500, 60, 3), 900.0, 640.0),
    ] {
        let c = chart(&m, &m.current(), None, "t").unwrap();
        let d = map_chart(&c);
        let (drawn, _, _) = layout(d, w, h);
        assert!(
            drawn.len() >= d.reps.len() / 2,
            "{} of {} labels",
            drawn.len(),
            d.reps.len()
        );
        for l in &drawn {
            let cell = cell_of(&d.units, l.anchor.at).unwrap();
            assert_eq!(
                d.assignment[cell],
                Some(l.t),
                "label {} is anchored outside",
                l.text
            );
        }
    }
}

#[test]
fn poles_sit_in_the_middle_of_band_territories() {
    // A 30 × 10 lattice cut into three bands of ten columns.
    let units: Vec<MapUnit> = (0..300)
        .map(|i| MapUnit {
            id: format!("U{i}"),
            name: String::new(),
            x: (i % 30) as f64,
            y: (i / 30) as f64,
            potential: 1.0,
            owner: Some((i % 30) / 10),
        })
        .collect();
    let reps: Vec<MapRep> = (0..3)
        .map(|t| MapRep {
            id: format!("T{t}"),
            name: String::new(),
            home: None,
        })
        .collect();
    let asg: Vec<Option<usize>> = units.iter().map(|u| u.owner).collect();
    let got = anchors(&units, &asg, &reps);
    // Extent: x in [-1.74, 30.74], y in [-1.74, 10.74]; bands meet at
    // x = 9.5 and 19.5.
    for (t, centre) in [
        (0, (-1.74 + 9.5) / 2.0),
        (1, 14.5),
        (2, (19.5 + 30.74) / 2.0),
    ] {
        let a = got[t].unwrap();
        assert!(
            (a.at.0 - centre).abs() < 0.3,
            "band {t}: pole {:?}, centre x {centre}",
            a.at
        );
        assert!(a.at.1 > 3.0 && a.at.1 < 6.0, "band {t}: pole {:?}", a.at);
    }
}

#[test]
fn placed_labels_never_overlap_in_a_dense_cluster() {
    let mut r = Lcg(11);
    let bounds = Rect {
        x0: 0.0,
        y0: 0.0,
        x1: 420.0,
        y1: 300.0,
    };
    // 60 territories' anchors within 200 × 140 pixels; every fifth one
    // a home with its marker.
    let wants: Vec<Want> = (0..60)
        .map(|t| Want {
            t,
            at: (110.0 + 200.0 * r.next(), 80.0 + 140.0 * r.next()),
            widths: vec![30.0 + 80.0 * r.next(), 30.0],
            clear: if t % 5 == 0 { HOUSE + 3.0 } else { 4.0 },
            centre: t % 5 != 0,
        })
        .collect();
    let obstacles: Vec<(Rect, usize)> = wants
        .iter()
        .filter(|w| w.t % 5 == 0)
        .map(|w| (Rect::around(w.at, HOUSE + 2.5), w.t))
        .collect();
    let mut dots: Vec<(f64, f64)> = wants.iter().map(|w| w.at).collect();
    dots.extend((0..300).map(|_| (420.0 * r.next(), 300.0 * r.next())));
    let owner: Vec<Option<usize>> = dots
        .iter()
        .map(|&p| (0..60).min_by(|&a, &b| d2(wants[a].at, p).total_cmp(&d2(wants[b].at, p))))
        .collect();
    let scene = Scene {
        bounds,
        h: LABEL_H,
        gap: LABEL_GAP,
        obstacles: &obstacles,
        dots: &dots,
        owner: &owner,
    };
    let got = place(&scene, &wants);
    assert_eq!(got, place(&scene, &wants), "placement is deterministic");
    let placed: Vec<(&Want, &Placed)> = wants
        .iter()
        .zip(&got)
        .filter_map(|(w, p)| p.as_ref().map(|p| (w, p)))
        .collect();
    let leadered = placed.iter().filter(|(_, p)| p.leader.is_some()).count();
    // The case is dense: some labels need leaders or find no room.
    assert!(
        leadered > 0 && placed.len() < 60 || leadered > 5,
        "{leadered} leaders, {} placed",
        placed.len()
    );
    assert!(
        placed.len() >= 25,
        "only {} of 60 labels placed",
        placed.len()
    );
    for (i, (w, p)) in placed.iter().enumerate() {
        let b = p.rect;
        assert!(b.inside(&bounds), "label {} leaves the map: {b:?}", w.t);
        assert_eq!(
            (b.x1 - b.x0, b.y1 - b.y0),
            (w.widths[p.text].ceil(), LABEL_H.ceil())
        );
        for (o, _) in &obstacles {
            assert!(!o.hits(&b), "label {} covers a marker", w.t);
        }
        for (v, q) in &placed[i + 1..] {
            assert!(
                !b.grown(LABEL_GAP - 1e-9).hits(&q.rect),
                "labels {} and {} overlap: {b:?} {:?}",
                w.t,
                v.t,
                q.rect
            );
        }
        match p.leader {
            None => {
                let n = b.nearest(w.at);
                assert!(
                    (n.0 - w.at.0).hypot(n.1 - w.at.1) <= w.clear * 2f64.sqrt() + 1.0,
                    "label {} is neither beside its anchor nor led to it",
                    w.t
                );
            }
            Some((a, e)) => {
                assert_eq!(a, w.at);
                assert_eq!(e, b.nearest(w.at));
                for (v, q) in &placed {
                    if v.t != w.t {
                        assert!(
                            !q.rect.crossed_by(a, e),
                            "leader of {} crosses label {}",
                            w.t,
                            v.t
                        );
                    }
                    if let Some((c, f)) = q.leader
                        && v.t != w.t
                    {
                        assert!(
                            !segments_meet(a, e, c, f),
                            "leaders of {} and {} cross",
                            w.t,
                            v.t
                        );
                    }
                }
                for (o, t) in &obstacles {
                    assert!(
                        *t == w.t || !o.crossed_by(a, e),
                        "leader of {} crosses a marker",
                        w.t
                    );
                }
            }
        }
    }
}

#[test]
fn drawn_labels_do_not_overlap_on_a_dense_map() {
    let mut m = synthetic(1500, 60, 5);
    for t in (0..60).step_by(4) {
        let u = m.units.iter().position(|u| u.owner == Some(t)).unwrap();
        m.reps[t].home = Some([m.units[u].x, m.units[u].y]);
        m.reps[t].name = format!("城市 {t}");
    }
    let c = chart(&m, &m.current(), None, "dense").unwrap();
    let (drawn, bounds, obstacles) = layout(map_chart(&c), 600.0, 420.0);
    assert!(!drawn.is_empty());
    for (i, a) in drawn.iter().enumerate() {
        assert!(a.placed.rect.inside(&bounds));
        assert!(!obstacles.iter().any(|(o, _)| o.hits(&a.placed.rect)));
        for b in &drawn[i + 1..] {
            assert!(
                !a.placed.rect.hits(&b.placed.rect),
                "{} and {} overlap",
                a.text,
                b.text
            );
        }
    }
}

#[test]
fn the_legend_lists_every_territory() {
    let m = synthetic(300, 60, 9);
    let c = chart(&m, &m.current(), None, "legend").unwrap();
    let svg = c.svg(&FontSet::embedded()).unwrap().data;
    for r in &m.reps {
        let entry = format!(">\n{} {}\n</text>", r.id, r.name);
        assert!(svg.contains(&entry), "the legend lists {} {}", r.id, r.name);
    }
    assert!(!svg.contains(" more\n</text>"));
    // The chart grows to hold the legend.
    let few = synthetic(300, 4, 9);
    let small = chart(&few, &few.current(), None, "legend").unwrap();
    assert!(
        c.size.1 > small.size.1 + 60,
        "{:?} vs {:?}",
        c.size,
        small.size
    );

    // Hundreds of territories: full columns, then "+N more".
    let many = synthetic(2000, 400, 9);
    let c = chart(&many, &many.current(), None, "legend").unwrap();
    let l = &map_chart(&c).legend;
    assert!(l.shown < 400 && l.shown + 1 == l.cols * l.rows && l.rows == LEGEND_MAX_ROWS);
    let svg = c.svg(&FontSet::embedded()).unwrap().data;
    assert!(svg.contains(&format!(">\n+{} more\n</text>", 400 - l.shown)));
    let listed = many
        .reps
        .iter()
        .filter(|r| svg.contains(&format!(">\n{} {}\n</text>", r.id, r.name)))
        .count();
    assert_eq!(listed, l.shown);
}

#[test]
fn the_map_is_deterministic() {
    let mut m = synthetic(500, 25, 4);
    let u = m.units.iter().position(|u| u.owner == Some(3)).unwrap();
    m.reps[3].home = Some([m.units[u].x, m.units[u].y]);
    let before = m.current();
    let mut after = before.clone();
    for a in after.iter_mut().step_by(7) {
        *a = Some(0);
    }
    let render = || {
        let c = chart(&m, &after, Some(&before), "proposed").unwrap();
        let fonts = FontSet::embedded();
        (
            c.svg(&fonts).unwrap().data,
            c.png(&fonts, 1.0).unwrap().data,
        )
    };
    let (svg, png) = render();
    let (svg2, png2) = render();
    assert!(svg == svg2, "the SVG differs between two renderings");
    assert!(png == png2, "the PNG differs between two renderings");
    assert!(svg.contains("unit changes owner") && svg.contains("rep&apos;s home"));
}

#[test]
fn maps_of_thousands_of_units_show_dots_and_labels() {
    let m = synthetic(MAX_CELLS + 1000, 120, 2);
    let c = chart(&m, &m.current(), None, "big").unwrap();
    let svg = c.svg(&FontSet::embedded()).unwrap().data;
    assert!(!svg.contains("<polygon"), "no cells above MAX_CELLS units");
    let boxes = svg
        .matches(&format!("opacity=\"{LABEL_BG}\" fill=\"#FFFFFF\""))
        .count();
    assert!(boxes >= 40, "{boxes} labels");
}
