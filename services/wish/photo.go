package wish

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"net/http"
	"time"

	"github.com/kovidgoyal/imaging"
	"golang.org/x/image/draw"

	"jinhui/services/access"
	"jinhui/shared/apperr"
)

// Photo limits: what is accepted on upload and what is stored.
const (
	MaxUpload     = 10 << 20 // bytes of an uploaded file
	MaxPixels     = 25e6     // width × height of an uploaded image (decompression bombs: ~100 MB decoded)
	MaxUploadSide = 8000     // either side of an uploaded image, in pixels
	MaxSide       = 1600     // the stored image's longer side, in pixels
	MaxStoredSize = 1 << 20  // bytes of the stored JPEG
)

// Photo is an uploaded picture, re-encoded as a scaled JPEG and stored in
// MongoDB (the same in embedded and scaled modes). It is served publicly
// only once the post it belongs to is published.
type Photo struct {
	ID        string    `bson:"_id" json:"id"`
	Data      []byte    `bson:"data" json:"-"`
	Width     int       `bson:"width" json:"width"`
	Height    int       `bson:"height" json:"height"`
	Size      int       `bson:"size" json:"size"`
	By        string    `bson:"by" json:"-"`
	Areas     []string  `bson:"areas" json:"-"`
	Post      string    `bson:"-" json:"post,omitempty"` // from the photo's use, see Store.AttachPhoto
	CreatedAt time.Time `bson:"createdAt" json:"createdAt"`
}

// decodeUpright decodes a JPEG or PNG and turns it as its EXIF
// orientation says (phones store pictures as the sensor saw them and say
// in EXIF how to turn them; re-encoding drops EXIF, so the turn is
// applied). Only the pure Go decoders run, never an external program.
func decodeUpright(data []byte) (image.Image, error) {
	return imaging.Decode(bytes.NewReader(data), imaging.AutoOrientation(true), imaging.Backends(imaging.GO_IMAGE))
}

// Resize checks an uploaded image by its content (JPEG or PNG only,
// whatever the file is called), its size and its pixel count, and returns
// it scaled to at most MaxSide on its longer side as a JPEG of at most
// MaxStoredSize bytes, turned upright as its EXIF orientation says.
// Re-encoding drops all EXIF data (GPS position included).
func Resize(data []byte) ([]byte, int, int, error) {
	if len(data) == 0 {
		return nil, 0, 0, apperr.Field("file", "文件为空")
	}
	if len(data) > MaxUpload {
		return nil, 0, 0, apperr.Field("file", "照片超过 10 MB")
	}
	var config func([]byte) (image.Config, error)
	switch http.DetectContentType(data) {
	case "image/jpeg":
		config = func(b []byte) (image.Config, error) { return jpeg.DecodeConfig(bytes.NewReader(b)) }
	case "image/png":
		config = func(b []byte) (image.Config, error) { return png.DecodeConfig(bytes.NewReader(b)) }
	default:
		return nil, 0, 0, apperr.Field("file", "只接受 JPEG 或 PNG 格式的照片")
	}
	cfg, err := config(data)
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, 0, 0, apperr.Field("file", "无法识别的图片")
	}
	// Checked from the header alone, before anything is decoded.
	if float64(cfg.Width)*float64(cfg.Height) > MaxPixels || cfg.Width > MaxUploadSide || cfg.Height > MaxUploadSide {
		return nil, 0, 0, apperr.Field("file", fmt.Sprintf("图片尺寸过大(%d×%d): 不超过 2500 万像素、每边不超过 %d 像素", cfg.Width, cfg.Height, MaxUploadSide))
	}
	src, err := decodeUpright(data)
	if err != nil {
		return nil, 0, 0, apperr.Field("file", "图片已损坏")
	}
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	if w > MaxSide || h > MaxSide {
		if w >= h {
			w, h = MaxSide, max(1, h*MaxSide/b.Dx())
		} else {
			w, h = max(1, w*MaxSide/b.Dy()), MaxSide
		}
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(dst, dst.Bounds(), image.White, image.Point{}, draw.Src) // transparent PNGs on white
	draw.CatmullRom.Scale(dst, dst.Bounds(), src, b, draw.Over, nil)
	for q := 85; ; q -= 15 {
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, dst, &jpeg.Options{Quality: q}); err != nil {
			return nil, 0, 0, fmt.Errorf("wish.Resize: %w", err)
		}
		if buf.Len() <= MaxStoredSize || q <= 40 {
			if buf.Len() > MaxStoredSize {
				return nil, 0, 0, apperr.Field("file", "照片压缩后仍超过 1 MB")
			}
			return buf.Bytes(), w, h, nil
		}
	}
}

// UploadPhoto scales and stores a photo for a later post by its uploader
// (an organizer who may write, or a volunteer).
func (s *Service) UploadPhoto(ctx context.Context, p access.Principal, data []byte) (Photo, error) {
	if err := access.WriterOrVolunteer.Check(p); err != nil {
		return Photo{}, err
	}
	areas := []string{p.Region}
	if p.Kind == access.KindVolunteer {
		v, err := s.Store.Volunteer(ctx, p.ID)
		if err != nil {
			return Photo{}, fmt.Errorf("wish.UploadPhoto: %w", err)
		}
		areas = v.Areas
	}
	if err := s.Codes.Allow(ctx, "photo-upload:"+p.ID, 100, time.Hour); err != nil {
		return Photo{}, err
	}
	out, w, h, err := Resize(data)
	if err != nil {
		return Photo{}, err
	}
	ph := Photo{ID: s.NewID(), Data: out, Width: w, Height: h, Size: len(out), By: p.ID, Areas: areas, CreatedAt: s.Now()}
	if err := s.Store.InsertPhoto(ctx, ph); err != nil {
		return Photo{}, fmt.Errorf("wish.UploadPhoto: %w", err)
	}
	ph.Data = nil
	return ph, nil
}

// PhotoFor returns a photo's bytes for the staff API: its uploader, or an
// organizer of its post's area (reviewing a story).
func (s *Service) PhotoFor(ctx context.Context, p access.Principal, id string) ([]byte, error) {
	ph, err := s.Store.Photo(ctx, id)
	if err != nil {
		return nil, apperr.NotFoundf("照片不存在")
	}
	if ph.By == p.ID {
		return ph.Data, nil
	}
	if ph.Post != "" {
		if post, err := s.Store.Post(ctx, ph.Post); err == nil && p.Sees(post.Areas) {
			return ph.Data, nil
		}
	}
	return nil, apperr.NotFoundf("照片不存在")
}

// PublicPhoto returns a photo of a published post.
func (s *Service) PublicPhoto(ctx context.Context, id string) ([]byte, error) {
	ph, err := s.Store.Photo(ctx, id)
	if err != nil || ph.Post == "" {
		return nil, apperr.NotFoundf("照片不存在")
	}
	post, err := s.Store.Post(ctx, ph.Post)
	if err != nil || post.Status != PostPublished {
		return nil, apperr.NotFoundf("照片不存在")
	}
	return ph.Data, nil
}
