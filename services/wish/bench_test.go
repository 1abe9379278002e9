package wish_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"testing"
	"time"

	"jinhui/services/visit"
	"jinhui/services/wish"
	"jinhui/shared/area"
	"jinhui/shared/testenv"
)

// benchWishes fills a fresh store with n published wishes over 100 villages.
func benchWishes(b *testing.B, n int) *wish.Service {
	b.Helper()
	st := testenv.Mongo(b)
	ctx := context.Background()
	now := time.Now()
	for i := 0; i < n; i++ {
		vil := fmt.Sprintf("370101%03d%03d", 1+i%10, 1+(i/10)%10)
		w := wish.Wish{ID: fmt.Sprintf("w%06d", i), Elder: fmt.Sprintf("e%06d", i), Village: vil, Areas: area.AreasOf(vil), County: "370101000000",
			AgeBand: "70–79岁", Category: "coat", Need: "一件厚棉衣", Value: 200, Status: wish.StatusPublished,
			Steps: []wish.Step{{Kind: wish.StepRecorded, At: now}, {Kind: wish.StepApproved, At: now}}, Version: 1, CreatedAt: now.Add(time.Duration(i) * time.Second)}
		if err := st.InsertWish(ctx, w); err != nil {
			b.Fatal(err)
		}
	}
	return &wish.Service{Store: st, Now: time.Now, NewID: func() string { return "x" }}
}

// BenchmarkCheckoutHook is the cost a check-out with the winter item
// pays to look for the elder's claimed wishes.
func BenchmarkCheckoutHook(b *testing.B) {
	for _, n := range []int{1000, 5000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			s := benchWishes(b, n)
			v := visit.Visit{ID: "v", Elder: "e-none", Status: visit.StatusDone, Checklist: []visit.Item{{Code: "winter", Done: true}}}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := s.Deliver(context.Background(), v); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPublicList is the public page's first 20 open wishes of a county.
func BenchmarkPublicList(b *testing.B) {
	for _, n := range []int{1000, 5000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			s := benchWishes(b, n)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, _, err := s.Public(context.Background(), wish.PublicFilter{Area: "370101000000", Limit: 20}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkResize scales a 4000×3000 phone photo to the stored JPEG.
func BenchmarkResize(b *testing.B) {
	img := image.NewRGBA(image.Rect(0, 0, 4000, 3000))
	for y := 0; y < 3000; y++ {
		for x := 0; x < 4000; x++ {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), uint8(x * y), 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		out, _, _, err := wish.Resize(buf.Bytes())
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(len(out))/1024, "KiB")
	}
}
