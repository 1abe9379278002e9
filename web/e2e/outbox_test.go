package e2e

import (
	"jinhui/shared/testenv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestOutboxOffline: writes made without a connection are kept on the
// phone (across a reload), sent when the connection returns, and counted
// once even when an answer is lost and the write is sent again.
func TestOutboxOffline(t *testing.T) {
	t.Parallel()
	ctx := browser(t)
	s := startSite(t)
	phone(t, ctx)
	must(t, ctx, chromedp.Navigate(s.base+"/m/"), waitReady())
	// The pages that queue writes load the module with the page.
	eval[bool](t, ctx, `import('/lib/queue.js').then(() => true)`)

	setNetwork(t, ctx, true, 0, -1)
	left := eval[int](t, ctx, `(async () => {
		const { Outbox } = await import('/lib/queue.js');
		const box = new Outbox({ name: 'e2e-outbox' });
		await box.add('checkin', '/test/ledger', { visit: 'v1', at: '2026-11-23T09:00:00+08:00' });
		await box.add('carer-log', '/test/ledger', { person: 'p1', kinds: ['助餐'] });
		return box.flush();
	})()`)
	if req, _, _ := s.ledger.counts(); left != 2 || req != 0 {
		t.Fatalf("offline: %d pending, %d requests reached the server", left, req)
	}

	// Back online, after a reload: the entries are still there. The first
	// send reaches the server but its answer is "lost", so it stays queued.
	setNetwork(t, ctx, false, 0, -1)
	must(t, ctx, chromedp.Reload(), waitReady())
	left = eval[int](t, ctx, `(async () => {
		const { Outbox, postEntry } = await import('/lib/queue.js');
		let lost = false;
		const box = new Outbox({ name: 'e2e-outbox', send: async (e) => {
			const st = await postEntry(e, '');
			if (!lost) { lost = true; throw new Error('connection dropped before the answer'); }
			return st;
		} });
		if ((await box.pending()).length !== 2) return -1;
		return box.flush();
	})()`)
	if left != 2 {
		t.Fatalf("after reload and a lost answer: %d pending, want 2", left)
	}
	left = eval[int](t, ctx, `(async () => {
		const { Outbox } = await import('/lib/queue.js');
		return new Outbox({ name: 'e2e-outbox' }).flush();
	})()`)
	req, keys, mismatch := s.ledger.counts()
	if left != 0 || keys != 2 || req != 3 || mismatch != 0 {
		t.Fatalf("after reconnect: %d pending, %d requests, %d keys, %d key mismatches; want 0, 3, 2, 0", left, req, keys, mismatch)
	}

	// The started outbox sends on its own once the connection is back (on
	// the 'online' event, or at the latest on its retry after a failure).
	eval[bool](t, ctx, `import('/lib/queue.js').then(() => true)`)
	setNetwork(t, ctx, true, 0, -1)
	eval[int](t, ctx, `(async () => {
		const { Outbox } = await import('/lib/queue.js');
		window.onlineEvents = 0;
		addEventListener('online', () => window.onlineEvents++);
		window.box = new Outbox({ name: 'e2e-outbox' }).start(60000);
		await box.add('checkout', '/test/ledger', { visit: 'v1' });
		return (await box.pending()).length;
	})()`)
	setNetwork(t, ctx, false, 0, -1)
	n := -1
	if !testenv.Eventually(20*time.Second, func() bool {
		n = eval[int](t, ctx, `box.pending().then(l => l.length)`)
		return n == 0
	}) {
		t.Logf("debug: %s", eval[string](t, ctx, `(async () => JSON.stringify({events: window.onlineEvents, online: navigator.onLine, flushing: !!box.flushing, p: await box.pending(), ctl: !!navigator.serviceWorker.controller}))()`))
		t.Fatalf("outbox did not send on reconnect: %d pending", n)
	}
	t.Logf("sent after reconnect; 'online' events seen: %d", eval[int](t, ctx, `window.onlineEvents`))
	if _, keys, _ := s.ledger.counts(); keys != 3 {
		t.Fatalf("ledger holds %d keys, want 3", keys)
	}

	// A write the server refuses (4xx) is kept, marked, and not retried.
	st := eval[string](t, ctx, `(async () => {
		const { Outbox } = await import('/lib/queue.js');
		const box = new Outbox({ name: 'e2e-refused', send: async () => 422 });
		await box.add('checkin', '/test/ledger', {});
		await box.flush();
		const [e] = await box.pending();
		return e.rejected + ' ' + e.error;
	})()`)
	if !strings.HasPrefix(st, "true ") {
		t.Fatalf("refused write: %s", st)
	}
}

// TestPhonePagesOffline: once opened, the phone pages load again without a
// connection (service worker), and "my elders" shows the last list it got.
func TestPhonePagesOffline(t *testing.T) {
	t.Parallel()
	ctx := browser(t)
	s := startSite(t)
	phone(t, ctx)
	loginPhone(t, s, ctx, strings.TrimPrefix(s.volunteer.Phone, "+86"), false)
	if ok := eval[bool](t, ctx, `navigator.serviceWorker.ready.then(() => true)`); !ok {
		t.Fatal("service worker not ready")
	}
	// The worker claims the open page when it activates; a page loaded
	// after that is controlled in any case, as the volunteer's next page
	// would be. Under load the claim can come late, so the page is loaded
	// again (online) if it has not come yet.
	if !testenv.Eventually(3*time.Second, func() bool { return eval[bool](t, ctx, `!!navigator.serviceWorker.controller`) }) {
		must(t, ctx, unready(), chromedp.Reload(), waitReady())
	}
	testenv.WaitFor(t, 10*time.Second, "service worker takes control", func() bool {
		return eval[bool](t, ctx, `!!navigator.serviceWorker.controller`)
	})
	setNetwork(t, ctx, true, 0, -1)
	must(t, ctx, unready(), chromedp.Navigate(s.base+"/m/elders.html"), waitReady())
	if n := eval[int](t, ctx, `document.querySelectorAll('a.elder').length`); n != len(s.paired) {
		t.Fatalf("offline my elders shows %d, want %d", n, len(s.paired))
	}
	if st := text(t, ctx, "#stale"); !strings.Contains(st, "无网络") {
		t.Fatalf("offline notice: %q", st)
	}
	shot(t, ctx, "phone-elders-offline")
	must(t, ctx, unready(), chromedp.Navigate(s.base+"/m/schedule.html"), waitReady())
	if hidden := eval[bool](t, ctx, `document.querySelector('.offline').hidden`); hidden {
		t.Fatal("offline banner hidden while offline")
	}
	shot(t, ctx, "phone-schedule-offline")
}
