#!/usr/bin/env bash
# Renders a report's HTML page in headless Chromium at 1280 and 375 px wide and checks what a
# reviewer would see: the page is not blank, it does not scroll sideways (tables scroll within
# themselves), and each expected text (key numbers, labels) is in the page's text.
#
#   tools/check-report-html.sh REPORT.html TEXT...      exit 0 ok, 1 a check failed, 77 no chromium
#
# Headless Chromium keeps its window at least 500 px wide, so the page is loaded into an iframe
# of the exact width; the report itself has no scripts, the probe lives in the wrapper page.
set -euo pipefail
html=$1; shift
chrome=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$chrome" ]; then echo "chromium not found: apt-get install chromium" >&2; exit 77; fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cp "$html" "$tmp/page.html"
status=0
for width in 1280 375; do
    cat > "$tmp/probe-$width.html" <<PROBE
<!DOCTYPE html><html><head><meta charset="utf-8"></head><body style="margin:0">
<iframe id="f" src="page.html" style="width:${width}px;height:900px;border:0"></iframe>
<script>
document.getElementById("f").addEventListener("load", () => {
  const w = document.getElementById("f").contentWindow, d = w.document;
  const out = document.createElement("pre");
  out.id = "probe";
  out.textContent = "PROBE width=" + w.innerWidth + " scroll=" + d.documentElement.scrollWidth + " text=" + d.body.innerText.trim().length + " END";
  const text = document.createElement("pre");
  text.id = "text";
  text.textContent = d.body.innerText;
  document.body.appendChild(out);
  document.body.appendChild(text);
});
</script></body></html>
PROBE
    "$chrome" --headless=new --no-sandbox --disable-gpu --hide-scrollbars --allow-file-access-from-files --window-size=1400,1000 \
        --virtual-time-budget=5000 --dump-dom "file://$tmp/probe-$width.html" > "$tmp/dom-$width.html" 2> "$tmp/err-$width.txt" || {
        echo "chromium failed at $width px:" >&2; tail -5 "$tmp/err-$width.txt" >&2; exit 1; }
    line=$(grep -o 'PROBE width=[0-9]* scroll=[0-9]* text=[0-9]* END' "$tmp/dom-$width.html" || true)
    if [ -z "$line" ]; then echo "$width px: the page did not load (no probe output)" >&2; status=1; continue; fi
    w=$(sed 's/.*width=\([0-9]*\).*/\1/' <<<"$line"); s=$(sed 's/.*scroll=\([0-9]*\).*/\1/' <<<"$line"); n=$(sed 's/.*text=\([0-9]*\).*/\1/' <<<"$line")
    echo "$width px: viewport $w, page width $s, $n characters of text"
    if [ "$w" -ne "$width" ]; then echo "$width px: the viewport is $w px, not $width" >&2; status=1; fi
    if [ "$n" -lt 200 ]; then echo "$width px: the page is (nearly) blank" >&2; status=1; fi
    if [ "$s" -gt "$w" ]; then echo "$width px: the page overflows horizontally ($s > $w)" >&2; status=1; fi
    # The page text as rendered (innerText), entities decoded.
    sed -n '/<pre id="text">/,/<\/pre>/p' "$tmp/dom-$width.html" | sed 's/&amp;/\&/g; s/&lt;/</g; s/&gt;/>/g; s/&quot;/"/g' > "$tmp/text-$width.txt"
    for text in "$@"; do
        if ! grep -qF -- "$text" "$tmp/text-$width.txt"; then echo "$width px: '$text' is not in the page text" >&2; status=1; fi
    done
done
exit $status
