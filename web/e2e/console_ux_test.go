package e2e

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"jinhui/services/recruit"
	"jinhui/shared/clock"
	"jinhui/shared/pii"
	"jinhui/shared/testenv"
)

// TestConsoleUX: the defects browser-test writers found in the console
// (issue 14), each fixed the way an organizer expects and checked here as
// they would meet it:
//   - a family member's consent on a signed paper form is recorded with a
//     photo of the form, uploaded in the consent dialog;
//   - 证明设置 shows only to county organizers and above (the route's rule
//     CountyUp), not to a township's;
//   - a county organizer finds their own county's row on 区划与名额 and
//     sets its 须培训后结对 (V5); its quota is shown, set from the city (E4);
//   - success messages come one at a time, in view without scrolling,
//     never over the page's title, and go when the page changes;
//   - 查看完整信息 on an application says so and shows the full numbers;
//   - a page opened from a page scrolled down starts at its top.
func TestConsoleUX(t *testing.T) {
	t.Parallel()
	s := startSite(t)
	org := apiToken(t, s, "szq")
	county := "370101000000"
	today := time.Now().In(clock.Shanghai)

	// An active elder of 市中区 with a family member far away (no consent
	// yet), and an application to a call (the test's own calls).
	var elder string
	for _, e := range s.set.Elders {
		if strings.HasPrefix(e.Village, "370101") && e.Status == "active" && !slices.Contains(s.paired, e.ID) {
			elder = e.ID
			break
		}
	}
	if elder == "" {
		t.Fatal("no active elder in 370101 in the test data")
	}
	var member struct{ ID string }
	if st := s.api("POST", "/api/elders/"+elder+"/family", org, map[string]string{"name": "赵秀英", "relation": "女儿", "phone": "13912340077"}, &member); st != 201 {
		t.Fatalf("add family member: %d", st)
	}
	var call struct{ ID string }
	if st := s.api("POST", "/api/recruit/calls", org, map[string]any{
		"title": "市中区金晖助老志愿者招募", "text": "诚邀热心人士结对帮扶身边的老人。", "kinds": []string{"neighbour"},
		"quotas": []any{}, "opens": today.AddDate(0, 0, -1).Format(time.DateOnly), "closes": today.AddDate(0, 0, 30).Format(time.DateOnly),
	}, &call); st != 201 {
		t.Fatalf("create call: %d", st)
	}
	applicant, idNumber := "13700009977", pii.CompleteResidentID("37010119990101123")
	if st := s.api("POST", "/api/public/code", "", map[string]string{"phone": applicant, "purpose": "apply", "call": call.ID}, nil); st >= 300 {
		t.Fatalf("apply code: %d", st)
	}
	var applied struct{ ID string }
	if st := s.api("POST", "/api/public/calls/"+call.ID+"/apply", "", map[string]any{
		"name": "孙明远", "idNumber": idNumber, "phone": applicant, "code": s.lastCode("+86" + applicant),
		"village": s.volunteer.Village, "kind": "neighbour", "sourceKind": "individual", "hoursPerMonth": 8,
		"motivation": "想为家乡的老人做点实事", "consent": true, "consentVersion": recruit.ConsentVersion,
	}, &applied); st != 200 && st != 201 {
		t.Fatalf("apply: %d", st)
	}

	// The photo of the signed form.
	img := image.NewRGBA(image.Rect(0, 0, 60, 80))
	for x := range 60 {
		for y := range 80 {
			img.Set(x, y, color.RGBA{uint8(40 + x*3), uint8(60 + y), 150, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	form := filepath.Join(t.TempDir(), "同意书.png")
	if err := os.WriteFile(form, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}

	ctx := browser(t)
	loginConsole(t, s, ctx, "szq")

	// 减少动态效果: asked for less motion (as browser() does), buttons,
	// dialogs and toasts change at once; otherwise they move as Element
	// Plus draws them.
	motion := func() string {
		return eval[string](t, ctx, `getComputedStyle(document.querySelector('.el-button')).transitionDuration`)
	}
	if d := motion(); d != "0s" {
		t.Errorf("with reduced motion asked for, a button's transition lasts %s, want 0s", d)
	}
	preferMotion(t, ctx, "no-preference")
	if d := motion(); d == "0s" || d == "" {
		t.Errorf("without a motion preference a button's transition lasts %q, want Element Plus's", d)
	}
	keepStill(t, ctx)

	// where reads the banner's and the title's boxes and the window:
	// where the organizer sees the message.
	type box struct {
		Flash, Title       []float64 // top, bottom; nil when not on screen
		Height, ScrollY    float64
		Toasts             int
		FlashText, TitleTx string
	}
	where := func(t *testing.T) box {
		return eval[box](t, ctx, `(() => {
			const r = (e) => { if (!e || !e.getClientRects().length) return null; const b = e.getBoundingClientRect(); return [b.top, b.bottom]; };
			const f = document.querySelector('#flash'), h = document.querySelector('h1.page');
			return { flash: r(f), title: r(h), height: innerHeight, scrollY: scrollY,
				toasts: [...document.querySelectorAll('.el-message')].filter((m) => m.getClientRects().length && getComputedStyle(m).opacity !== '0').length,
				flashText: f ? f.innerText : '', titleTx: h ? h.innerText : '' };
		})()`)
	}
	// inView fails unless the banner says want, wholly in the window and
	// not over the page's title.
	inView := func(t *testing.T, want string) {
		t.Helper()
		var b box
		if !testenv.Eventually(10*time.Second, func() bool { b = where(t); return strings.Contains(b.FlashText, want) && b.Flash != nil }) {
			t.Fatalf("no banner saying %q: %+v", want, b)
		}
		if b.Flash[0] < 0 || b.Flash[1] > b.Height {
			t.Errorf("the banner %q is outside the window (%v, window %v high, scrolled %v)", want, b.Flash, b.Height, b.ScrollY)
		}
		if b.Title != nil && b.Title[0] < b.Flash[1] && b.Title[1] > b.Flash[0] {
			t.Errorf("the banner %v covers the page title %q at %v", b.Flash, b.TitleTx, b.Title)
		}
	}

	t.Run("consent-by-signed-form", func(t *testing.T) {
		open(t, s, ctx, "/elders/"+elder)
		rowClick(t, ctx, "#family", "赵秀英", ".family-consent")
		must(t, ctx, waitVisible(`#consent-form .photo-upload`))
		// Without the photo the dialog says what is missing.
		must(t, ctx, confirmForm())
		waitText(t, ctx, ".el-dialog .el-alert--error", "请上传“同意书照片”")
		// By SMS there is no form to photograph.
		pick(t, ctx, `#consent-form .el-select`, "短信")
		if !testenv.Eventually(5*time.Second, func() bool {
			return eval[bool](t, ctx, `!document.querySelector('#consent-form .photo-upload') && !document.querySelector('#consent-form input[name=givenBy]')`)
		}) {
			t.Fatal("the photo and signer fields stay for consent by SMS")
		}
		pick(t, ctx, `#consent-form .el-select`, "书面同意书")
		must(t, ctx, waitVisible(`#consent-form .photo-upload`),
			chromedp.SetUploadFiles(chromedp.CSS(`#consent-form .photo-upload input[type=file]`), []string{form}))
		waitText(t, ctx, "#consent-form .photo-state", "照片已上传")
		if n := eval[int](t, ctx, `document.querySelectorAll('#consent-form .el-upload-list__item img').length`); n != 1 {
			t.Errorf("thumbnails of the signed form: %d, want 1", n)
		}
		testenv.Eventually(3*time.Second, func() bool { // the thumbnail has slid in
			return eval[bool](t, ctx, `!document.querySelector('#consent-form .el-list-enter-active')`)
		})
		shot(t, ctx, "console-ux-consent-form")
		if g := eval[string](t, ctx, `document.querySelector('#consent-form input[name=givenBy]').value`); g != "赵秀英" {
			t.Errorf("signer filled in as %q, want the family member 赵秀英", g)
		}
		// The family card is at the foot of the page: the message is in view.
		formOK(t, ctx, "已登记同意")
		inView(t, "已登记同意")
		waitText(t, ctx, "#family", "签字人 赵秀英")
		var fam struct {
			Items []struct {
				ID, Consent, Scope string
				History            []struct{ How, GivenBy, Photo string }
			}
		}
		s.api("GET", "/api/elders/"+elder+"/family", org, nil, &fam)
		i := slices.IndexFunc(fam.Items, func(m struct {
			ID, Consent, Scope string
			History            []struct{ How, GivenBy, Photo string }
		}) bool {
			return m.ID == member.ID
		})
		if i < 0 || fam.Items[i].Consent != "given" || len(fam.Items[i].History) == 0 {
			t.Fatalf("the family member after consent: %+v", fam.Items)
		}
		if h := fam.Items[i].History[len(fam.Items[i].History)-1]; h.How != "form" || h.GivenBy != "赵秀英" || h.Photo == "" {
			t.Errorf("the consent recorded: %+v, want by form, signed by 赵秀英, with the photo", h)
		}
		// The next page starts without the last page's message (no carry-over).
		must(t, ctx, unready(), clickJS(`.menu-link[href="#/volunteers"]`), waitReady())
		if b := where(t); b.Flash != nil {
			t.Errorf("the consent's message followed to the volunteers page: %+v", b)
		}
		var b box
		if !testenv.Eventually(2*time.Second, func() bool { b = where(t); return b.Toasts == 0 }) { // the toast fades out
			t.Errorf("the consent's toast stays on the volunteers page: %+v", b)
		}
	})

	t.Run("own-county-row", func(t *testing.T) {
		open(t, s, ctx, "/regions")
		row := `[...document.querySelectorAll('#regions tbody tr')].find((r) => r.innerText.includes('` + county + `'))`
		if !testenv.Eventually(10*time.Second, func() bool { return eval[bool](t, ctx, `!!`+row) }) {
			t.Fatalf("no row of the own county on the regions page: %s", text(t, ctx, "#regions"))
		}
		if r := eval[string](t, ctx, row+`.innerText`); !strings.Contains(r, "本级") || !strings.Contains(r, "由市级分配") {
			t.Errorf("the own county's row: %q, want it marked 本级 with its quota set by the city", r)
		}
		if eval[bool](t, ctx, `!!document.querySelector('#regions .quota-save')`) {
			t.Error("a county organizer is offered to save a quota (PUT /api/regions/:code/quota is CityUp)")
		}
		// Two changes in a row: one message at a time, the latest.
		must(t, ctx, chromedp.Evaluate[chromedp.Void](row+`.querySelector('.require-training').click()`))
		inView(t, "须培训后才能结对")
		if !testenv.Eventually(10*time.Second, func() bool {
			r, err := s.p.Store.Region(context.Background(), county)
			return err == nil && r.RequireTraining
		}) {
			t.Fatal("the county does not require training after the switch")
		}
		must(t, ctx, chromedp.Evaluate[chromedp.Void](row+`.querySelector('.require-training').click()`))
		inView(t, "不要求培训")
		shot(t, ctx, "console-ux-regions-own-county")
		if b := where(t); b.Toasts > 1 || strings.Contains(b.FlashText, "须培训后才能结对") {
			t.Errorf("messages pile up: %d toasts, banner %q", b.Toasts, b.FlashText)
		}
		if r, _ := s.p.Store.Region(context.Background(), county); r.RequireTraining {
			t.Error("the county still requires training after switching it off")
		}
	})

	t.Run("reveal-application", func(t *testing.T) {
		open(t, s, ctx, "/recruit/applications/"+applied.ID)
		if f := text(t, ctx, "#facts"); strings.Contains(f, applicant) || strings.Contains(f, idNumber) {
			t.Fatalf("full numbers shown before revealing: %s", f)
		}
		must(t, ctx, clickJS(`#reveal`))
		flashSays(t, ctx, "已显示完整身份证号和手机号")
		inView(t, "已记入审计日志")
		waitText(t, ctx, "#facts", applicant)
		waitText(t, ctx, "#facts", idNumber)
		waitText(t, ctx, "#reveal", "已显示完整信息")
	})

	t.Run("exchange-title", func(t *testing.T) {
		// The page where the banner covered the title.
		open(t, s, ctx, "/exchange")
		must(t, ctx, chromedp.SetUploadFiles(chromedp.CSS(`.data-table .toolbar input[type=file]`), []string{form}))
		inView(t, "已上传照片")
	})

	t.Run("opens-at-top", func(t *testing.T) {
		// An elder's page is long (record, intake, pairs, visits, card, family).
		paired := "/elders/" + s.paired[0]
		bottom := `window.scrollTo(0, document.documentElement.scrollHeight); scrollY`
		open(t, s, ctx, paired)
		must(t, ctx, waitVisible(`#family`))
		if y := eval[float64](t, ctx, bottom); y < 100 {
			t.Fatalf("the elder's page is too short to scroll (%v)", y)
		}
		must(t, ctx, unready(), clickJS(`.menu-link[href="#/intake"]`), waitReady())
		if y := eval[float64](t, ctx, `scrollY`); y != 0 {
			t.Errorf("the intake queue opened from the menu scrolled %v px down", y)
		}
		// From a link, too: the breadcrumb's 首页 (in the bar that stays on top).
		open(t, s, ctx, paired)
		must(t, ctx, waitVisible(`#family`))
		if y := eval[float64](t, ctx, bottom); y < 100 {
			t.Fatalf("the elder's page is too short to scroll (%v)", y)
		}
		must(t, ctx, unready(), clickJS(`.topbar .el-breadcrumb__item:first-child .el-breadcrumb__inner`), waitVisible(`#dashboard`), waitReady())
		if y := eval[float64](t, ctx, `scrollY`); y != 0 {
			t.Errorf("the dashboard opened from the breadcrumb scrolled %v px down", y)
		}
	})

	// A township organizer: no certificate settings (CountyUp), no county
	// switches; the county organizer has them.
	t.Run("certificate-settings", func(t *testing.T) {
		open(t, s, ctx, "/records")
		must(t, ctx, waitVisible(`#cert-settings`))
		loginConsole(t, s, ctx, "cgz")
		open(t, s, ctx, "/records")
		must(t, ctx, waitVisible(`#records-export`))
		if eval[bool](t, ctx, `!!document.querySelector('#cert-settings')`) {
			t.Error("a township organizer is shown 证明设置, which only county level and above may save")
		}
		open(t, s, ctx, "/regions")
		must(t, ctx, waitVisible(`#regions tbody tr`))
		if eval[bool](t, ctx, `!!document.querySelector('#regions .require-training, #regions .key-village, #regions .quota-save')`) {
			t.Error("a township organizer is offered county switches on the regions page")
		}
	})
}
