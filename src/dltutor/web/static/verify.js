// Verified code on the chat page: once an answer is rendered (its element gets a
// data-message-id), run its Python blocks on the server's sandbox and put a badge under each
// block: ✓ verified / ✗ failed, the output folded, and a "run again" button. Stored verdicts
// come back without running anything, so reopening a conversation is cheap.
"use strict";
(() => {
  const csrfMeta = document.querySelector('meta[name="csrf-token"]');
  const csrf = csrfMeta ? csrfMeta.content : "";
  const lang = document.body.dataset.lang === "zh" ? "zh" : "en";
  const TEXT = {
    en: {running: "⏳ running the code…", output: "Output", error: "Error", again: "Run again",
         noOutput: "(no output)", failedRequest: "Could not run the code", seconds: "s",
         checks: "checks passed", noChecks: "no assert: results not checked"},
    zh: {running: "⏳ 正在运行代码……", output: "输出", error: "错误", again: "重新运行",
         noOutput: "（没有输出）", failedRequest: "无法运行代码", seconds: "秒",
         checks: "项检查通过", noChecks: "没有 assert：结果未经检查"},
  }[lang];
  const seen = new WeakSet();

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function outputOf(run) {
    let text = run.output || "";
    const more = (run.output_total || 0) - text.length;
    if (more > 0) text += `\n… (+${more})`;
    return text;
  }

  function badge(block, messageId) {
    const box = el("div", `verify verify-${block.status}`);
    box.dataset.index = block.index;
    const head = el("div", "verify-head");
    head.appendChild(el("span", "verify-badge", (block.badge && block.badge[lang]) || block.status));
    const run = block.run || {};
    if (block.verified) {
      const facts = [`${(run.seconds || 0).toFixed(2)} ${TEXT.seconds}`,
                     run.checks ? `${run.checks} ${TEXT.checks}` : TEXT.noChecks];
      head.appendChild(el("span", "verify-facts", " · " + facts.join(" · ")));
    }
    box.appendChild(head);
    if (block.status === "fragment") {  // refers to context it does not define: nothing was run
      const note = (run.errors && (run.errors[lang] || run.errors.en)) || "";
      box.appendChild(el("div", "verify-facts", note));
      return box;
    }
    const again = el("button", "link verify-again", TEXT.again);
    again.type = "button";
    again.onclick = () => runAgain(box, messageId, block.index);
    head.appendChild(again);
    if (!block.verified) {
      const error = (run.errors && (run.errors[lang] || run.errors.en)) || "";
      box.appendChild(el("div", "verify-error", `${TEXT.error}: ${error}`));
    }
    const details = el("details", "verify-output");
    details.appendChild(el("summary", "", TEXT.output));
    details.appendChild(el("pre", "", outputOf(run) || TEXT.noOutput));
    details.open = !block.verified;  // a failure shows its traceback at once
    box.appendChild(details);
    return box;
  }

  function place(body, blocks, messageId) {
    body.querySelectorAll(":scope .verify").forEach((b) => b.remove());
    const pres = Array.from(body.querySelectorAll("pre")).filter((p) => !p.closest(".verify"));
    for (const block of blocks) {
      const pre = pres[block.pre_index];
      if (pre) pre.after(badge(block, messageId));
    }
  }

  async function post(url, payload) {
    const r = await fetch(url, {
      method: "POST",
      headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf},
      body: payload ? JSON.stringify(payload) : null,
    });
    if (!r.ok) throw new Error(`HTTP ${r.status}`);
    return r.json();
  }

  async function verify(m) {
    const id = m.dataset.messageId;
    const body = m.querySelector(".body");
    if (!id || !body || body.classList.contains("streaming") || !body.querySelector("pre")) return;
    const status = el("div", "verify-status", TEXT.running);
    body.after(status);
    try {
      const data = await post(`/api/messages/${id}/verify`, null);
      place(body, data.blocks, id);
    } catch (e) {
      status.textContent = `${TEXT.failedRequest}: ${e.message}`;
      return;
    }
    status.remove();
  }

  async function runAgain(box, messageId, index) {
    const button = box.querySelector(".verify-again");
    button.disabled = true;
    button.textContent = TEXT.running;
    try {
      const block = await post("/api/code/run", {message_id: Number(messageId), index});
      box.replaceWith(badge(block, messageId));
    } catch (e) {
      button.disabled = false;
      button.textContent = `${TEXT.again} (${TEXT.failedRequest}: ${e.message})`;
    }
  }

  function scan(root) {
    const found = root.matches && root.matches(".msg.assistant[data-message-id]")
      ? [root] : Array.from(root.querySelectorAll ? root.querySelectorAll(".msg.assistant[data-message-id]") : []);
    for (const m of found) {
      if (seen.has(m)) continue;
      seen.add(m);
      verify(m);
    }
  }


  const root = document.getElementById("messages") || document.body;
  new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === "attributes") scan(r.target);
      else r.addedNodes.forEach((n) => n.nodeType === 1 && scan(n));
    }
  }).observe(root, {childList: true, subtree: true, attributes: true, attributeFilter: ["data-message-id"]});
  scan(root);
})();
