package e2e

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"jinhui/services/demo"
)

// TestVolunteerWishAndStory: at 360×640 a volunteer records an elder's
// micro-wish offline (recorded once when the connection returns) and sends
// a story with a photo for the exchange page.
func TestVolunteerWishAndStory(t *testing.T) {
	t.Parallel()
	ctx := browser(t)
	s := startSite(t)
	var login struct{ Token string }
	s.api("POST", "/api/auth/login", "", map[string]string{"username": "admin", "password": demo.Password}, &login)
	wishes := func() []struct{ Need, Status string } {
		var out struct {
			Items []struct{ Need, Status string }
		}
		s.api("GET", "/api/wishes?limit=50&status=pending", login.Token, nil, &out)
		return out.Items
	}

	phone(t, ctx)
	loginPhone(t, s, ctx, strings.TrimPrefix(s.volunteer.Phone, "+86"), false)
	must(t, ctx, unready(), chromedp.Navigate(s.base+"/m/share.html"), waitReady())
	auditPage(t, ctx, "phone-share")

	setNetwork(t, ctx, true, 0, -1)
	must(t, ctx, waitVisible(`.offline`),
		chromedp.SendKeys(chromedp.CSS(`#wish-form input[name=need]`), "一件厚棉衣"),
		clickOn(`#save-wish`),
		waitVisible(`#wish-saved`))
	waitText(t, ctx, "#outbox-status", "有 1 条")
	if n := len(wishes()); n != 0 {
		t.Fatalf("offline: the server holds %d wishes", n)
	}
	setNetwork(t, ctx, false, 0, -1)
	waitText(t, ctx, "#outbox-status", "都已上传")
	if got := wishes(); len(got) != 1 || got[0].Need != "一件厚棉衣" {
		t.Fatalf("after reconnect: %+v", got)
	}
	must(t, ctx, waitVisible(`#mine .my-wish`))

	// A story with a photo.
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for x := range 64 {
		for y := range 48 {
			img.Set(x, y, color.RGBA{uint8(x * 4), 120, uint8(y * 5), 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "visit.png")
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	must(t, ctx,
		chromedp.SendKeys(chromedp.CSS(`#story-form input[name=title]`), "给老人修好了电视"),
		chromedp.SendKeys(chromedp.CSS(`#story-form textarea[name=text]`), "周末去村里探访, 顺便把老人家的电视修好了, 老人很高兴。"),
		chromedp.SetUploadFiles(chromedp.CSS(`#story-form input[name=photos]`), []string{file}),
		clickOn(`#send-story`),
		waitVisible(`#story-sent`))
	waitText(t, ctx, "#story-sent", "1 张照片")
	var posts struct {
		Items []struct {
			Title, Status string
			Photos        []string
		}
	}
	s.api("GET", "/api/exchange/posts?limit=10", login.Token, nil, &posts)
	if len(posts.Items) != 1 || posts.Items[0].Status != "pending" || len(posts.Items[0].Photos) != 1 {
		t.Fatalf("story on the server: %+v", posts.Items)
	}
	must(t, ctx, waitVisible(`#mine .my-post`))
	auditPage(t, ctx, "phone-share-sent")
}
