// The plan page: ticking a checkpoint saves it for this learner and moves the progress bar.
"use strict";
(() => {
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const bar = document.getElementById("plan-bar"), count = document.getElementById("plan-count");
  for (const box of document.querySelectorAll("input.checkpoint")) {
    box.addEventListener("change", async () => {
      box.disabled = true;
      try {
        const r = await fetch("/api/plan/checkpoints", {
          method: "POST",
          headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf},
          body: JSON.stringify({key: box.dataset.key, done: box.checked}),
        });
        if (!r.ok) throw new Error(`HTTP ${r.status}`);
        const d = await r.json();
        count.textContent = `${d.ticked} / ${d.total}`;
        bar.style.width = d.total ? `${(100 * d.ticked / d.total).toFixed(1)}%` : "0";
        const week = box.closest(".week");
        week.classList.toggle("done", [...week.querySelectorAll("input.checkpoint")].every((b) => b.checked));
      } catch (e) {
        box.checked = !box.checked;  // not saved: show the truth
      } finally {
        box.disabled = false;
      }
    });
  }
})();
