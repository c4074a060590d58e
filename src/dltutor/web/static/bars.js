// Progress bars take their width from data-width (a percentage). Set from a script, not a
// style attribute: the Content-Security-Policy allows no inline styles.
"use strict";
for (const bar of document.querySelectorAll("[data-width]")) {
  bar.style.width = `${Number(bar.dataset.width) || 0}%`;
}
