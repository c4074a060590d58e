// Quiz items (lesson pages, reviews): answers go to the API, which records them; the feedback
// (right or wrong, why, the topic's mastery now) is shown under the question.
"use strict";
(() => {
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const T = JSON.parse(document.getElementById("ui-text").textContent);

  function line(cls, text) {
    const p = document.createElement("p");
    if (cls) p.className = cls;
    p.textContent = text;
    return p;
  }

  async function post(url, payload) {
    const r = await fetch(url, {
      method: "POST",
      headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf},
      body: JSON.stringify(payload),
    });
    if (!r.ok) throw new Error(`HTTP ${r.status}`);
    return r.json();
  }

  for (const form of document.querySelectorAll("form.quiz-item")) {
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const out = form.querySelector(".feedback"), button = form.querySelector("button");
      const value = new FormData(form).get("response");
      button.disabled = true;
      try {
        const d = await post("/api/quiz/answer", {item_id: form.dataset.item, response: value});
        out.replaceChildren(line(d.correct ? "good" : "error", d.correct ? T.correct : T.wrong));
        if (!d.correct && d.why_wrong) out.appendChild(line("", d.why_wrong));
        if (!d.correct && d.answer) out.appendChild(line("", `${T.answer}: ${d.answer}`));
        if (d.explanation) out.appendChild(line("muted", d.explanation));
        out.appendChild(line("muted", `${T.mastery}: ${Math.round(100 * d.mastery)}%`));
        form.classList.add(d.correct ? "right" : "wrong");
      } catch (e) {
        out.replaceChildren(line("error", String(e)));
        button.disabled = false;
      }
      out.hidden = false;
    });
  }

  for (const form of document.querySelectorAll("form.check-question")) {
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const out = form.querySelector(".feedback"), button = form.querySelector("button");
      button.disabled = true;
      try {
        const d = await post(`/api/reviews/${encodeURIComponent(form.dataset.topic)}/answer`,
                             {answer: new FormData(form).get("answer"), index: Number(form.dataset.index)});
        out.replaceChildren(line("", `${T.score} ${Math.round(100 * d.score)}%`), line("muted", d.feedback));
        out.appendChild(line("muted", `${T.mastery}: ${Math.round(100 * d.mastery)}%`));
      } catch (e) {
        out.replaceChildren(line("error", String(e)));
        button.disabled = false;
      }
      out.hidden = false;
    });
  }
})();
