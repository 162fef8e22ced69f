// opsbook search: the browser half of src/render/search.rs.
// Loads the manifest (/search/index.json), then only the shards of the
// query's terms; ranks pages (AND of terms, prefix match on the last one),
// filters by section and, for post-mortems, severity, service and year, and
// shows excerpts with the matches marked. Page text is put in the page with
// textContent only, never as HTML. Everything comes from the site itself.
(function () {
  "use strict";
  var root = document.getElementById("search");
  if (!root || !window.fetch) return;
  var indexUrl = new URL(root.getAttribute("data-index"), document.baseURI);
  var form = root.querySelector(".search-form");
  var input = root.querySelector("#search-q");
  var status = root.querySelector(".search-status");
  var list = root.querySelector(".search-results");
  var all = root.querySelector(".search-all");
  var filters = root.querySelector(".search-filters");
  var selects = {};
  ["section", "severity", "service", "year"].forEach(function (name) {
    selects[name] = filters.querySelector("select[name=" + name + "]");
  });
  var MAX_RESULTS = 25;
  var manifest = null;
  var cache = {}; // file name -> Promise of parsed JSON
  var generation = 0;

  // The same folding as `terms` in search.rs: lower case, diacritics off,
  // words of letters and digits, 2 to 32 characters.
  var SPECIAL = { "æ": "ae", "ð": "d", "đ": "d", "ħ": "h", "ı": "i", "ŀ": "l", "ł": "l",
    "ø": "o", "œ": "oe", "ß": "ss", "ŧ": "t", "þ": "th" };
  function foldChar(c) {
    var l = c.toLowerCase();
    if (SPECIAL[l]) return SPECIAL[l];
    return l.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[^a-z0-9]/g, " ");
  }
  function fold(text) {
    var out = "";
    for (var i = 0; i < text.length; i++) out += foldChar(text[i]);
    return out;
  }
  function terms(text) {
    return fold(text).split(/\s+/).filter(function (t) { return t.length >= 2 && t.length <= 32; });
  }
  // FNV-1a of the first three letters: `shard_of` in search.rs.
  function shardOf(term) {
    var h = 0x811c9dc5;
    for (var i = 0; i < Math.min(3, term.length); i++) {
      h ^= term.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h % manifest.shard_count;
  }
  function load(file) {
    if (!cache[file]) {
      cache[file] = fetch(new URL(file, indexUrl)).then(function (r) {
        if (!r.ok) throw new Error(file + ": " + r.status);
        return r.json();
      });
    }
    return cache[file];
  }

  function option(select, value, text) {
    var o = document.createElement("option");
    o.value = value;
    o.textContent = text;
    select.appendChild(o);
  }
  function fillFilters() {
    var sev = {}, svc = {}, years = {};
    manifest.pages.forEach(function (p) {
      if (p.severity) sev[p.severity] = true;
      (p.services || []).forEach(function (s) { svc[s] = true; });
      if (p.year) years[p.year] = true;
    });
    manifest.sections.forEach(function (s) { option(selects.section, s, s); });
    Object.keys(sev).sort().forEach(function (s) { option(selects.severity, s, "S" + s); });
    Object.keys(svc).sort().forEach(function (s) { option(selects.service, s, s); });
    Object.keys(years).sort().reverse().forEach(function (y) { option(selects.year, y, y); });
    filters.hidden = false;
  }
  function passes(page) {
    var f = {};
    Object.keys(selects).forEach(function (k) { f[k] = selects[k].value; });
    if (f.section && page.section !== f.section) return false;
    if (f.severity && String(page.severity) !== f.severity) return false;
    if (f.service && (page.services || []).indexOf(f.service) < 0) return false;
    if (f.year && String(page.year) !== f.year) return false;
    return true;
  }

  // doc id -> weight for one term; `prefix`: every term that starts with it.
  // A list holds each doc id as its gap from the previous one.
  function postings(shard, term, prefix) {
    var found = {};
    function add(list) {
      var doc = 0;
      for (var i = 0; i + 1 < list.length; i += 2) {
        doc += list[i];
        found[doc] = Math.max(found[doc] || 0, list[i + 1]);
      }
    }
    if (shard[term]) add(shard[term]);
    if (prefix) {
      Object.keys(shard).forEach(function (t) {
        if (t !== term && t.lastIndexOf(term, 0) === 0) add(shard[t]);
      });
    }
    return found;
  }

  function search(query) {
    var qs = terms(query);
    // The last term is a prefix while being typed; a prefix of two letters
    // spans many shards, so it must match whole.
    var last = qs[qs.length - 1] || "";
    var ends = /[^\s]$/.test(query) && last.length >= 3;
    return Promise.all(qs.map(function (t) {
      return load(manifest.shards[shardOf(t)]);
    })).then(function (shards) {
      var scores = null;
      qs.forEach(function (t, k) {
        var p = postings(shards[k], t, ends && k === qs.length - 1);
        if (scores === null) {
          scores = p;
          return;
        }
        var next = {};
        Object.keys(scores).forEach(function (d) {
          if (p[d] !== undefined) next[d] = scores[d] + p[d];
        });
        scores = next;
      });
      var ids = Object.keys(scores || {}).map(Number).filter(function (d) {
        return passes(manifest.pages[d]);
      });
      ids.sort(function (a, b) { return scores[b] - scores[a] || a - b; });
      return { terms: { terms: qs, prefix: ends }, ids: ids };
    });
  }

  // Text with each word that starts with a query term in a <mark>.
  function highlight(el, text, qs) {
    var folded = "", map = [];
    for (var i = 0; i < text.length; i++) {
      var f = foldChar(text[i]);
      for (var j = 0; j < f.length; j++) { folded += f[j]; map.push(i); }
    }
    map.push(text.length);
    // Whole words for every term but a last one still being typed (a prefix).
    var alts = qs.terms.map(function (t, k) {
      return k === qs.terms.length - 1 && qs.prefix ? t : t + "(?![a-z0-9])";
    });
    var re = alts.length ? new RegExp("(^|[^a-z0-9])(" + alts.join("|") + ")", "g") : null;
    var last = 0, m;
    while (re && (m = re.exec(folded)) !== null) {
      var start = map[m.index + m[1].length];
      var end = map[m.index + m[0].length];
      if (start > last) el.appendChild(document.createTextNode(text.slice(last, start)));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(start, end);
      el.appendChild(mark);
      last = end;
    }
    el.appendChild(document.createTextNode(text.slice(last)));
  }

  function show(result, gen) {
    var ids = result.ids.slice(0, MAX_RESULTS);
    var texts = {};
    ids.forEach(function (d) { texts[manifest.texts[d % manifest.texts.length]] = true; });
    return Promise.all(Object.keys(texts).map(function (f) {
      return load(f).then(function (t) { texts[f] = t; });
    })).then(function () {
      if (gen !== generation) return;
      list.textContent = "";
      ids.forEach(function (d) {
        var page = manifest.pages[d];
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = page.url;
        a.className = "search-title";
        highlight(a, page.title, result.terms);
        li.appendChild(a);
        var meta = document.createElement("span");
        meta.className = "search-meta";
        var facts = [page.section];
        if (page.severity) facts.push("S" + page.severity);
        if (page.services) facts.push(page.services.join(", "));
        if (page.year) facts.push(String(page.year));
        meta.textContent = facts.join(" · ");
        li.appendChild(meta);
        var p = document.createElement("p");
        p.className = "search-excerpt";
        highlight(p, texts[manifest.texts[d % manifest.texts.length]][d] || "", result.terms);
        li.appendChild(p);
        list.appendChild(li);
      });
      var n = result.ids.length;
      status.textContent = n === 0 ? "No pages match." :
        n + (n === 1 ? " page matches" : " pages match") + (n > ids.length ? "; the first " + ids.length + " are shown." : ".");
    });
  }

  function run() {
    var gen = ++generation;
    var query = input.value;
    var params = new URLSearchParams();
    if (query) params.set("q", query);
    Object.keys(selects).forEach(function (k) { if (selects[k].value) params.set(k, selects[k].value); });
    var qs = params.toString();
    history.replaceState(null, "", location.pathname + (qs ? "?" + qs : ""));
    if (terms(query).length === 0) {
      list.textContent = "";
      status.textContent = "";
      all.hidden = false;
      return;
    }
    all.hidden = true;
    search(query).then(function (r) {
      if (gen === generation) return show(r, gen);
    }).catch(function (e) {
      status.textContent = "Search is unavailable: " + e.message;
    });
  }

  var timer = null;
  function later() {
    clearTimeout(timer);
    timer = setTimeout(run, 150);
  }

  load(indexUrl.pathname.split("/").pop()).then(function (m) {
    manifest = m;
    fillFilters();
    var params = new URLSearchParams(location.search);
    input.value = params.get("q") || "";
    Object.keys(selects).forEach(function (k) {
      var v = params.get(k);
      if (v) selects[k].value = v;
    });
    input.addEventListener("input", later);
    Object.keys(selects).forEach(function (k) { selects[k].addEventListener("change", run); });
    form.addEventListener("submit", function (e) { e.preventDefault(); run(); });
    run();
  }).catch(function (e) {
    status.textContent = "Search is unavailable: " + e.message;
  });
})();
