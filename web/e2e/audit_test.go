package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// auditJS looks at the page as a person with a cheap phone would and lists
// what is wrong with it: placeholder text, a button whose label wraps one
// character per line, a touch target under 44 px, text under 4.5:1
// contrast (3:1 for large text), computed from the styles in the page.
const auditJS = `(() => {
	const out = [];
	const visible = (el) => {
		if (!el.isConnected) return false;
		const r = el.getBoundingClientRect();
		if (r.width === 0 || r.height === 0) return false;
		for (let e = el; e; e = e.parentElement) {
			const cs = getComputedStyle(e);
			if (cs.display === 'none' || cs.visibility === 'hidden') return false;
			if (e.tagName === 'DETAILS' && !e.open && e !== el && !el.closest('summary')) return false;
		}
		return true;
	};
	const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : '') + ' "' + (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 20) + '"';

	// Placeholder text left on the page.
	const body = document.body.innerText;
	for (const p of ['敬请期待', '即将上线', '开发中', '建设中', '正在加载', 'undefined', 'NaN', '[object Object]', 'TODO', 'coming soon', 'Lorem']) {
		if (body.includes(p)) out.push('placeholder text "' + p + '"');
	}

	// Buttons: a label that wraps to one character per line, and targets under 44 px.
	for (const el of document.querySelectorAll('button, a.btn, nav a, summary, input, select, textarea, [role=button]')) {
		if (!visible(el) || el.type === 'hidden') continue;
		const r = el.getBoundingClientRect();
		if (el.type === 'checkbox' || el.type === 'radio') {
			const l = el.closest('label');
			const lr = l ? l.getBoundingClientRect() : r;
			if (lr.height < 44 && r.height < 44) out.push('small touch target ' + name(el) + ' ' + Math.round(lr.height) + 'px');
			continue;
		}
		if (r.height < 43.5 || r.width < 43.5) out.push('small touch target ' + name(el) + ' ' + Math.round(r.width) + '×' + Math.round(r.height) + 'px');
		const label = (el.innerText || '').replace(/\s+/g, '');
		if (label.length >= 2 && el.tagName !== 'INPUT' && el.tagName !== 'SELECT' && el.tagName !== 'TEXTAREA') {
			// Lines of the label's text only (an icon above it is no line).
			const tops = new Set();
			const tw = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
			for (let tn = tw.nextNode(); tn; tn = tw.nextNode()) {
				const range = document.createRange();
				range.selectNodeContents(tn);
				for (const rc of range.getClientRects()) if (rc.width > 0 && rc.height > 0) tops.add(Math.round(rc.top / 4));
			}
			const lines = tops.size;
			if (lines >= 2 && label.length / lines < 2) out.push('label wraps one character per line: ' + name(el) + ' (' + lines + ' lines)');
		}
	}

	// Contrast of every visible text against the background behind it.
	const parse = (c) => { const m = c.match(/[\d.]+/g) || [0, 0, 0, 0]; return [+m[0], +m[1], +m[2], m.length > 3 ? +m[3] : 1]; };
	const lum = ([r, g, b]) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }; return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
	const over = (top, under) => { const a = top[3]; return [top[0] * a + under[0] * (1 - a), top[1] * a + under[1] * (1 - a), top[2] * a + under[2] * (1 - a), 1]; };
	const background = (el) => {
		const layers = [];
		for (let e = el; e; e = e.parentElement) {
			const c = parse(getComputedStyle(e).backgroundColor);
			if (c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
		}
		let bg = [255, 255, 255, 1];
		for (let i = layers.length - 1; i >= 0; i--) bg = over(layers[i], bg);
		return bg;
	};
	const seen = new Set();
	const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
	for (let n = walker.nextNode(); n; n = walker.nextNode()) {
		if (!n.textContent.trim()) continue;
		const el = n.parentElement;
		if (!el || seen.has(el) || !visible(el) || el.closest('[disabled]') || el.closest('option')) continue;
		seen.add(el);
		const cs = getComputedStyle(el);
		let opacity = 1;
		for (let e = el; e; e = e.parentElement) opacity *= +getComputedStyle(e).opacity;
		const bg = background(el);
		const fg = over([...parse(cs.color).slice(0, 3), parse(cs.color)[3] * opacity], bg);
		const L1 = lum(fg), L2 = lum(bg);
		const ratio = (Math.max(L1, L2) + 0.05) / (Math.min(L1, L2) + 0.05);
		const size = parseFloat(cs.fontSize), bold = +cs.fontWeight >= 700;
		const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
		if (ratio < need) out.push('contrast ' + ratio.toFixed(2) + ':1 < ' + need + ' for ' + name(el));
	}
	return out;
})()`

// auditPage sets the tab to a 360×640 phone screen and fails the test on
// anything auditJS finds (page errors are failed by watchConsole); a
// screenshot is kept under name (a failure's always, others with
// JINHUI_SCREENSHOTS=1).
func auditPage(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	must(t, ctx, chromedp.EmulateViewport(360, 640, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch))
	if w := eval[float64](t, ctx, `document.documentElement.clientWidth`); w != 360 {
		t.Fatalf("%s: viewport %v px wide, want 360", name, w)
	}
	if over := eval[int](t, ctx, `document.documentElement.scrollWidth - document.documentElement.clientWidth`); over > 1 {
		t.Errorf("%s: the page is %d px wider than a 360 px screen", name, over)
	}
	problems := eval[[]string](t, ctx, auditJS)
	if len(problems) > 0 {
		shot(t, ctx, "FAILED-audit-"+name)
		t.Errorf("%s at 360×640 (%s):\n  %s", name, eval[string](t, ctx, `location.pathname`), strings.Join(problems, "\n  "))
	}
	shot(t, ctx, name)
}
