// The report's quota planner. Reads the data block #planner-data (each
// rep's simulated sales as quantiles), recomputes P(attain), the fairness
// band, the sum against the target and the expected payout whenever a
// quota changes, and keeps the quotas in the URL fragment
// (#quota=R01:5000000,R02:6200000). Loads nothing; logs nothing.
(function () {
  "use strict";
  var block = document.getElementById("planner-data");
  var table = document.getElementById("plan-table");
  if (!block || !table) {
    return;
  }
  var D = JSON.parse(block.textContent);
  var K = D.quantiles;
  var money = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

  function decode(r) {
    var qs = new Float64Array(r.d.length + 1);
    var at = r.q0;
    qs[0] = at * r.unit;
    for (var i = 0; i < r.d.length; i++) {
      at += r.d[i];
      qs[i + 1] = at * r.unit;
    }
    return qs;
  }

  var reps = D.reps.map(function (r) {
    return { id: r.id, quota0: r.quota, quota: r.quota, expected: r.expected, mean: r.mean, qs: decode(r) };
  });
  var byId = {};
  reps.forEach(function (r) {
    byId[r.id] = r;
  });

  // P(sales >= q): one minus the share below q, linear between quantiles
  // (the same function as p_from_grid in Rust).
  function pFromGrid(qs, q) {
    var kMax = qs.length - 1;
    if (kMax === 0) {
      return q <= qs[0] ? 1 : 0;
    }
    if (q <= qs[0]) {
      return 1;
    }
    if (q > qs[kMax]) {
      return 0;
    }
    var lo = 0;
    var hi = kMax; // qs[lo] < q <= qs[hi]
    while (hi - lo > 1) {
      var mid = (lo + hi) >> 1;
      if (qs[mid] < q) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    var a = qs[lo];
    var b = qs[lo + 1];
    var frac = b > a ? (q - a) / (b - a) : 1;
    return 1 - (lo + frac) / kMax;
  }

  // The sales quantile at probability u, linear between the grid's points.
  function quantileAt(qs, u) {
    var kMax = qs.length - 1;
    var x = Math.min(Math.max(u, 0), 1) * kMax;
    var i = Math.min(Math.floor(x), kMax - 1);
    if (i < 0) {
      return qs[0];
    }
    return qs[i] + (qs[i + 1] - qs[i]) * (x - i);
  }

  // The comp plan's payout: CompPlan::rep_payout in Rust.
  function multiple(a) {
    var c = D.comp.curve;
    if (c.length === 0 || isNaN(a)) {
      return 0;
    }
    if (a <= c[0][0]) {
      return c[0][1];
    }
    if (a >= c[c.length - 1][0]) {
      return c[c.length - 1][1];
    }
    var i = 1;
    while (c[i][0] <= a) {
      i++;
    }
    var x0 = c[i - 1][0];
    var y0 = c[i - 1][1];
    var x1 = c[i][0];
    var y1 = c[i][1];
    return y0 + (y1 - y0) * (a - x0) / (x1 - x0);
  }

  function commission(sales) {
    var t = D.comp.commission;
    var pay = 0;
    for (var i = 0; i < t.length; i++) {
      var from = t[i][0];
      var to = i + 1 < t.length ? t[i + 1][0] : Infinity;
      if (sales > from) {
        pay += t[i][1] * (Math.min(sales, to) - from);
      }
    }
    return pay;
  }

  function payout(sales, quota) {
    if (!D.comp) {
      return NaN;
    }
    var a = quota > 0 ? sales / quota : 0;
    return D.comp.target_incentive * multiple(a) + commission(sales);
  }

  // Expected payout for a quota: the payout averaged over the grid
  // (trapezoids between quantiles), plus the expected team bonus share.
  function expectedPayout(r, quota) {
    var qs = r.qs;
    var kMax = qs.length - 1;
    var sum = 0;
    var prev = payout(qs[0], quota);
    for (var k = 1; k <= kMax; k++) {
      var next = payout(qs[k], quota);
      sum += (prev + next) / 2;
      prev = next;
    }
    return (kMax > 0 ? sum / kMax : prev) + D.comp.bonus_per_rep;
  }

  function pct(p) {
    return (100 * p).toFixed(1) + "\u00a0%";
  }

  function fairClass(p) {
    return p < D.fair[0] ? "p-low" : p > D.fair[1] ? "p-high" : "p-mid";
  }

  var rows = {};
  Array.prototype.forEach.call(table.querySelectorAll("tbody tr[data-rep]"), function (tr) {
    rows[tr.getAttribute("data-rep")] = tr;
  });

  function setText(id, text) {
    var e = document.getElementById(id);
    if (e) {
      e.textContent = text;
    }
  }

  var notes = [];

  function fragment() {
    var changed = reps.filter(function (r) {
      return r.quota !== r.quota0;
    });
    if (changed.length === 0) {
      return "";
    }
    return "#quota=" + changed.map(function (r) {
      return encodeURIComponent(r.id) + ":" + r.quota;
    }).join(",");
  }

  function refresh(fromInput) {
    var planned = 0;
    var atQuota = 0;
    var pay = 0;
    var below = 0;
    var above = 0;
    var pMin = 1;
    var pMax = 0;
    reps.forEach(function (r) {
      var p = pFromGrid(r.qs, r.quota);
      planned += r.quota;
      atQuota += p;
      pMin = Math.min(pMin, p);
      pMax = Math.max(pMax, p);
      if (p < D.fair[0]) {
        below++;
      } else if (p > D.fair[1]) {
        above++;
      }
      var tr = rows[r.id];
      if (!tr) {
        return;
      }
      tr.setAttribute("data-p-attain", p.toFixed(4));
      tr.setAttribute("data-quota", String(r.quota));
      var cell = tr.querySelector(".plan-p");
      cell.textContent = pct(p);
      cell.className = "plan-p " + fairClass(p);
      tr.querySelector(".plan-ratio").textContent = r.mean > 0 ? pct(r.quota / r.mean) : "\u2014";
      if (D.comp) {
        var e = expectedPayout(r, r.quota);
        pay += e;
        tr.querySelector(".plan-pay").textContent = money.format(e);
      }
      var num = tr.querySelector("input[type=number]");
      var range = tr.querySelector("input[type=range]");
      if (fromInput !== num) {
        num.value = String(r.quota);
      }
      if (fromInput !== range) {
        range.value = String(r.quota);
      }
    });
    var total = planned + D.fixed_quota;
    var over = D.target > 0 ? total / D.target - 1 : NaN;
    setText("plan-total", money.format(total));
    setText("plan-total-s", pct(total / D.target) + " of the target " + money.format(D.target) + " " + D.currency);
    setText("plan-over", (over >= 0 ? "+" : "\u2212") + pct(Math.abs(over)));
    setText("plan-over-s", "the scenario plans " + pct(D.over_assignment) + (D.fixed_reps > 0 ? "; includes " + money.format(D.fixed_quota) + " held for " + D.fixed_reps + " reps not listed" : ""));
    setText("plan-fair", String(reps.length - below - above) + " of " + reps.length);
    setText("plan-fair-s", below + " below " + pct(D.fair[0]) + ", " + above + " above " + pct(D.fair[1]) + "; P(attain) " + pct(pMin) + " to " + pct(pMax));
    setText("plan-at", atQuota.toFixed(1));
    setText("plan-at-s", "expected reps at quota, of " + reps.length + " (" + pct(atQuota / reps.length) + ")");
    if (D.comp) {
      setText("plan-pay", money.format(pay));
      setText("plan-pay-s", D.currency + " expected payout" + (D.fixed_reps > 0 ? " of the listed reps" : "") + ", team bonus included");
    }
    // The fragment follows the quotas; another fragment (a section's
    // anchor) stays while the quotas are the run's.
    var f = fragment();
    var base = location.href.split("#")[0];
    var ours = location.hash.indexOf("#quota=") === 0;
    if (f !== "" ? location.hash !== f : ours) {
      history.replaceState(null, "", f === "" ? base : base + f);
    }
    setText("plan-note", notes.join(" "));
  }

  function parseQuota(text) {
    var t = String(text).trim();
    if (!/^[0-9]+(\.[0-9]+)?([eE][+]?[0-9]+)?$/.test(t)) {
      return NaN;
    }
    var v = Number(t);
    return isFinite(v) && v >= 0 ? v : NaN;
  }

  // Applies #quota=ID:VALUE,... (other reps keep the run's quotas).
  function applyFragment() {
    var h = location.hash.replace(/^#/, "");
    notes = [];
    reps.forEach(function (r) {
      r.quota = r.quota0;
    });
    if (h.indexOf("quota=") !== 0) {
      return;
    }
    var bad = [];
    h.slice(6).split(",").forEach(function (item) {
      if (item === "") {
        return;
      }
      var at = item.lastIndexOf(":");
      var id;
      try {
        id = decodeURIComponent(item.slice(0, at));
      } catch (e) {
        id = item.slice(0, at);
      }
      var v = parseQuota(item.slice(at + 1));
      if (at < 1 || !byId[id] || isNaN(v)) {
        bad.push(item);
        return;
      }
      byId[id].quota = v;
    });
    if (bad.length > 0) {
      notes.push("Ignored in the link: " + bad.join(", ") + " (each entry is REP:QUOTA, a listed rep and a number \u2265 0).");
    }
  }

  // Whole currency units that keep the total exact (largest remainder).
  function roundKeepingTotal(values, total) {
    var floors = values.map(Math.floor);
    var left = Math.round(total) - floors.reduce(function (a, b) { return a + b; }, 0);
    var order = values.map(function (v, i) { return i; }).sort(function (a, b) {
      return (values[b] - floors[b]) - (values[a] - floors[a]) || a - b;
    });
    for (var k = 0; k < order.length && left > 0; k++, left--) {
      floors[order[k]] += 1;
    }
    return floors;
  }

  function plannedTotal() {
    return reps.reduce(function (a, r) { return a + r.quota; }, 0);
  }

  // Every listed rep equally likely to reach quota, quotas adding up to
  // the current total: bisection on the common quantile level.
  function equalProbability() {
    var total = plannedTotal();
    var sumAt = function (u) {
      return reps.reduce(function (a, r) { return a + quantileAt(r.qs, u); }, 0);
    };
    var lo = 0;
    var hi = 1;
    if (total <= sumAt(0)) {
      hi = 0;
    } else if (total >= sumAt(1)) {
      lo = 1;
    } else {
      for (var i = 0; i < 60; i++) {
        var mid = (lo + hi) / 2;
        if (sumAt(mid) < total) {
          lo = mid;
        } else {
          hi = mid;
        }
      }
    }
    var u = (lo + hi) / 2;
    var raw = reps.map(function (r) { return quantileAt(r.qs, u); });
    // Out of reach (below every rep's smallest or above its largest
    // sales): the quotas at that end, whatever they add up to.
    var reached = raw.reduce(function (a, b) { return a + b; }, 0);
    var q = roundKeepingTotal(raw, lo > 0 && hi < 1 ? total : reached);
    reps.forEach(function (r, i) { r.quota = q[i]; });
  }

  // Quotas proportional to expected sales, adding up to the current total.
  function proportional() {
    var total = plannedTotal();
    var e = reps.reduce(function (a, r) { return a + r.expected; }, 0);
    if (!(e > 0)) {
      return;
    }
    var q = roundKeepingTotal(reps.map(function (r) { return total * r.expected / e; }), total);
    reps.forEach(function (r, i) { r.quota = q[i]; });
  }

  function csv() {
    return "rep,quota\n" + reps.map(function (r) {
      var id = /[",\n\r]/.test(r.id) ? '"' + r.id.replace(/"/g, '""') + '"' : r.id;
      return id + "," + r.quota;
    }).join("\n") + "\n";
  }

  function exportCsv() {
    var url = URL.createObjectURL(new Blob([csv()], { type: "text/csv;charset=utf-8" }));
    var a = document.createElement("a");
    a.href = url;
    a.download = "quotas.csv";
    document.body.appendChild(a);
    a.click();
    document.body.removeChild(a);
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  }

  reps.forEach(function (r) {
    var tr = rows[r.id];
    if (!tr) {
      return;
    }
    var num = tr.querySelector("input[type=number]");
    var range = tr.querySelector("input[type=range]");
    num.addEventListener("input", function () {
      var v = parseQuota(num.value);
      if (isNaN(v)) {
        num.setAttribute("aria-invalid", "true");
        return;
      }
      num.removeAttribute("aria-invalid");
      r.quota = v;
      refresh(num);
    });
    range.addEventListener("input", function () {
      r.quota = Number(range.value);
      refresh(range);
    });
  });

  function on(id, f) {
    var b = document.getElementById(id);
    if (b) {
      b.addEventListener("click", function () {
        f();
        refresh(null);
      });
    }
  }
  on("plan-reset", function () {
    notes = [];
    reps.forEach(function (r) { r.quota = r.quota0; });
  });
  on("plan-equal", equalProbability);
  on("plan-prop", proportional);
  var ex = document.getElementById("plan-export");
  if (ex) {
    ex.addEventListener("click", exportCsv);
  }
  window.addEventListener("hashchange", function () {
    applyFragment();
    refresh(null);
  });

  // For tools and tests: the same functions the page uses.
  window.quotaPlanner = {
    payout: payout,
    pAttain: function (id, quota) { return pFromGrid(byId[id].qs, quota); },
    expectedPayout: function (id, quota) { return expectedPayout(byId[id], quota); },
    quotas: function () {
      var o = {};
      reps.forEach(function (r) { o[r.id] = r.quota; });
      return o;
    },
    csv: csv
  };

  applyFragment();
  refresh(null);
  table.classList.add("ready");
})();
