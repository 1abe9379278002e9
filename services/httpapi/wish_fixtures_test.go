package httpapi_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"
	"time"

	"jinhui/services/platform/platformtest"
	"jinhui/services/wish"
	"jinhui/shared/area"
	"jinhui/shared/clock"
)

// wishFixtures are county A's wish objects for the access walk: a wish
// awaiting approval, and a story awaiting approval with a photo. Both are
// unpublished, so that the public routes (which rightly show published
// wishes and posts of any county) have nothing of county A to show.
type wishFixtures struct {
	wish  wish.Wish
	post  wish.Post
	photo string
	today string
}

// testPNG returns a w×h PNG with a gradient.
func testPNG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 128, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func newWishFixtures(t *testing.T, h *platformtest.Harness, fx walkFixtures) wishFixtures {
	t.Helper()
	ctx := context.Background()
	now := time.Now()
	e := fx.elder
	w := wish.Wish{ID: "wish-fixture-a", Elder: e.ID, ElderName: e.Name, Village: e.Village, County: countyA, Areas: e.Areas, AgeBand: "70–79岁",
		Category: "coat", Need: "一件厚棉衣", Value: 200, Status: wish.StatusPending,
		Steps: []wish.Step{{Kind: wish.StepRecorded, By: fx.account, ByName: "szq", At: now}}, Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := h.P.Store.InsertWish(ctx, w); err != nil {
		t.Fatal(err)
	}
	data, width, height, err := wish.Resize(testPNG(t, 64, 48))
	if err != nil {
		t.Fatal(err)
	}
	ph := wish.Photo{ID: "photo-fixture-a", Data: data, Width: width, Height: height, Size: len(data), By: fx.volunteer.ID, Areas: area.AreasOf(fx.village), CreatedAt: now}
	if err := h.P.Store.InsertPhoto(ctx, ph); err != nil {
		t.Fatal(err)
	}
	p := wish.Post{ID: "post-fixture-a", Kind: wish.PostStory, Title: "陪老人过重阳", Text: "我们陪老人聊天、打扫院子。", Area: fx.village, AreaName: "村",
		Areas: area.AreasOf(fx.village), Date: clock.Today(now), Photos: []string{ph.ID}, Status: wish.PostPending, Author: fx.volunteer.ID,
		AuthorName: fx.volunteer.Name, AuthorKind: "volunteer", Steps: []wish.Step{}, Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := h.P.Store.AttachPhoto(ctx, ph.ID, fx.volunteer.ID, p.ID); err != nil {
		t.Fatal(err)
	}
	if err := h.P.Store.InsertPost(ctx, p); err != nil {
		t.Fatal(err)
	}
	return wishFixtures{wish: w, post: p, photo: ph.ID, today: clock.Today(now)}
}

func (f wishFixtures) id(path string) string {
	switch {
	case strings.HasPrefix(path, "/api/wishes/{id}"), strings.HasPrefix(path, "/api/public/wishes/{id}"):
		return f.wish.ID
	case strings.HasPrefix(path, "/api/exchange/posts/{id}"), strings.HasPrefix(path, "/api/public/posts/{id}"):
		return f.post.ID
	case strings.HasPrefix(path, "/api/exchange/photos/{id}"), strings.HasPrefix(path, "/api/public/photos/{id}"):
		return f.photo
	}
	return ""
}

func (f wishFixtures) body(method, path string) any {
	switch method + " " + path {
	case "POST /api/wishes":
		return map[string]any{"elder": f.wish.Elder, "category": "heater", "need": "一个电暖器", "value": 150}
	case "POST /api/wishes/{id}/approve", "POST /api/wishes/{id}/reject", "POST /api/exchange/posts/{id}/approve", "POST /api/exchange/posts/{id}/reject":
		return map[string]any{"version": 1, "note": "审核"}
	case "POST /api/public/wishes/code":
		return map[string]any{"phone": "13912340001", "wish": f.wish.ID}
	case "POST /api/public/wishes/{id}/claim":
		return map[string]any{"donorKind": "person", "name": "张爱心", "phone": "13912340001", "code": "123456"}
	case "POST /api/exchange/posts":
		return map[string]any{"title": "重阳节活动", "text": "志愿者陪老人过重阳节。", "area": f.post.Area, "date": f.today}
	}
	return nil
}
