// Package web serves the organizer console (/console/), the volunteers' and
// carers' phone pages (/m/) and the start page from files embedded in the
// binary. The phone and public pages are hand-written ES modules; the
// console is built by Vite from web/console into static/console (the build
// is committed, so the binary needs no Node). Each file is gzipped once at
// start-up and sent compressed to every browser that accepts gzip; the
// console's content-hashed assets are cached for a year.
package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"path"
	"strings"
	"sync"

	"github.com/gofiber/fiber/v2"
)

//go:embed static
var static embed.FS

// asset is one embedded file ready to send.
type asset struct {
	body, gz []byte
	ctype    string
	etag     string
	html     bool
}

// Assets maps a URL path ("/m/index.html") to its file. It is built once.
type Assets map[string]*asset

// Load reads and compresses every file under fsys. It fails only when the
// embedded tree is unreadable, which a build would already have caught.
func Load(fsys fs.FS) (Assets, error) {
	out := Assets{}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		ct := mime.TypeByExtension(path.Ext(p))
		switch path.Ext(p) {
		case ".js", ".mjs":
			ct = "text/javascript; charset=utf-8"
		case ".html":
			ct = "text/html; charset=utf-8"
		case ".css":
			ct = "text/css; charset=utf-8"
		case ".webmanifest":
			ct = "application/manifest+json"
		case ".ico":
			ct = "image/x-icon" // the system's MIME table may not know it
		}
		if ct == "" {
			ct = "application/octet-stream"
		}
		sum := sha256.Sum256(b)
		a := &asset{body: b, ctype: ct, etag: `"` + hex.EncodeToString(sum[:8]) + `"`, html: path.Ext(p) == ".html"}
		if compressible(ct) && len(b) > 256 {
			a.gz = gzipBytes(b)
		}
		out["/"+p] = a
		return nil
	})
	return out, err
}

func compressible(ct string) bool {
	return strings.HasPrefix(ct, "text/") || strings.Contains(ct, "json") || strings.Contains(ct, "svg")
}

// gzipBytes compresses deterministically (no name or time in the header).
func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	w, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	_, _ = w.Write(b)
	_ = w.Close()
	return buf.Bytes()
}

// csp keeps the console and phone pages to their own scripts: no inline
// or foreign code can run even if a stored value slipped through escaping
// (the pages build the DOM with textContent, never innerHTML).
const csp = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
	"object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

// lookup finds the file for a request path: directories serve index.html.
func (as Assets) lookup(p string) *asset {
	if strings.HasSuffix(p, "/") {
		p += "index.html"
	}
	return as[p]
}

// Handler serves the embedded files at /. Paths it does not know go on to
// the next handler (Fiber's 404). HTML is revalidated on every load so a
// new release is picked up at once; scripts and styles may be cached for
// five minutes and are revalidated by ETag after that.
func Handler() fiber.Handler {
	return embedded().Handler()
}

// embedded loads (and gzips) the embedded files once per process: they
// cannot change, and every platform started in a test would redo it.
var embedded = sync.OnceValue(func() Assets {
	sub, err := fs.Sub(static, "static")
	if err != nil {
		panic(err) // the embed directive guarantees the folder
	}
	as, err := Load(sub)
	if err != nil {
		panic(err)
	}
	return as
})

// Handler serves these assets (see the package-level Handler).
func (as Assets) Handler() fiber.Handler {
	return func(c *fiber.Ctx) error {
		if c.Method() != fiber.MethodGet && c.Method() != fiber.MethodHead {
			return c.Next()
		}
		p := c.Path()
		a := as.lookup(p)
		if a == nil && !strings.HasSuffix(p, "/") && as[p+"/index.html"] != nil {
			return c.Redirect(p+"/", fiber.StatusMovedPermanently)
		}
		if a == nil {
			return c.Next()
		}
		c.Set(fiber.HeaderContentType, a.ctype)
		c.Set(fiber.HeaderETag, a.etag)
		c.Set(fiber.HeaderVary, fiber.HeaderAcceptEncoding)
		c.Set("X-Content-Type-Options", "nosniff")
		if a.html {
			if strings.HasPrefix(p, "/m/") || strings.HasPrefix(p, "/console/") {
				c.Set(fiber.HeaderContentSecurityPolicy, csp)
			}
			c.Set(fiber.HeaderCacheControl, "no-cache")
			c.Set("Referrer-Policy", "same-origin")
			c.Set("X-Frame-Options", "DENY")
		} else if strings.HasPrefix(p, "/console/assets/") {
			c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable") // names carry a content hash
		} else {
			c.Set(fiber.HeaderCacheControl, "public, max-age=300")
		}
		if c.Get(fiber.HeaderIfNoneMatch) == a.etag {
			return c.SendStatus(fiber.StatusNotModified)
		}
		if a.gz != nil && strings.Contains(c.Get(fiber.HeaderAcceptEncoding), "gzip") {
			c.Set(fiber.HeaderContentEncoding, "gzip")
			return c.Send(a.gz)
		}
		return c.Send(a.body)
	}
}
