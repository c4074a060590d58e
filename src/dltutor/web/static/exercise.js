// The exercise page: a textarea editor (Tab inserts four spaces), Submit grades the code in the
// sandbox and shows each test's result, Hint reveals the next rung of the hint ladder.
"use strict";
(() => {
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const T = JSON.parse(document.getElementById("ui-text").textContent);
  const root = document.getElementById("exercise"), id = root.dataset.exercise;
  const code = document.getElementById("code"), results = document.getElementById("results");
  const $ = (x) => document.getElementById(x);

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  code.addEventListener("keydown", (ev) => {
    if (ev.key !== "Tab" || ev.ctrlKey || ev.altKey || ev.metaKey) return;
    ev.preventDefault();
    const {selectionStart: a, selectionEnd: b, value} = code;
    if (ev.shiftKey) {  // dedent the current line
      const start = value.lastIndexOf("\n", a - 1) + 1;
      const n = value.slice(start, start + 4).match(/^ */)[0].length;
      code.value = value.slice(0, start) + value.slice(start + n);
      code.selectionStart = code.selectionEnd = Math.max(start, a - n);
    } else {
      code.value = value.slice(0, a) + "    " + value.slice(b);
      code.selectionStart = code.selectionEnd = a + 4;
    }
  });

  async function post(url, payload) {
    const r = await fetch(url, {
      method: "POST",
      headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf},
      body: payload ? JSON.stringify(payload) : null,
    });
    if (!r.ok) {  // say the server's own words when it sent some (busy: retry in N s)
      const text = await r.text();
      let detail = null;
      try { detail = JSON.parse(text).detail; } catch (_) { /* not JSON */ }
      throw new Error(typeof detail === "string" ? detail : `HTTP ${r.status}: ${text}`);
    }
    return r.json();
  }

  function show(g) {
    const head = el("h2", g.passed ? "good" : "error", g.passed ? T.passed : T.failed);
    const list = el("ul", "tests");
    for (const t of g.tests) {
      const li = el("li", t.passed ? "pass" : "fail");
      li.appendChild(el("span", "mark", t.passed ? "✅" : "❌"));
      li.appendChild(el("code", "", t.name));
      if (t.seconds != null) li.appendChild(el("small", "muted", ` ${t.seconds.toFixed(2)} s`));
      if (t.message) li.appendChild(el("pre", "message", t.message));
      list.appendChild(li);
    }
    results.replaceChildren(head);
    if (g.error) results.appendChild(el("pre", "error", `${T.error}: ${g.error}`));
    if (g.tests.length) { results.appendChild(el("h3", "", T.tests)); results.appendChild(list); }
    results.hidden = false;
    results.dataset.passed = String(g.passed);
  }

  $("submit-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    $("submit-code").disabled = true; $("grading").hidden = false; results.hidden = true;
    try {
      show(await post(`/api/exercises/${id}/submissions`, {code: code.value}));
    } catch (e) {
      results.replaceChildren(el("pre", "error", e.message)); results.hidden = false;
    } finally {
      $("submit-code").disabled = false; $("grading").hidden = true;
    }
  });

  $("reset-code").onclick = () => { code.value = JSON.parse($("starter").textContent); };

  $("hint-button").onclick = async () => {
    try {
      const d = await post(`/api/exercises/${id}/hints`, null);
      const list = $("hints");
      list.replaceChildren(...d.hints_html.map((h) => {
        const li = el("li");
        li.innerHTML = h;  // rendered on the server from escaped Markdown
        return li;
      }));
      $("hint-count").textContent = d.shown;
      $("hint-button").disabled = d.shown >= d.total;
    } catch (e) {
      results.replaceChildren(el("pre", "error", e.message)); results.hidden = false;
    }
  };
})();
