package web

import (
	"io"
	"io/fs"
	"net/http/httptest"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
)

func app(t *testing.T) *fiber.App {
	t.Helper()
	a := fiber.New()
	a.Use(Handler())
	a.Get("/api/ping", func(c *fiber.Ctx) error { return c.SendString("pong") })
	return a
}

func TestHandler(t *testing.T) {
	a := app(t)
	cases := []struct {
		name, path, enc string
		status          int
		ctype, gz       string
	}{
		{"StartPage", "/", "gzip", 200, "text/html", "gzip"},
		{"PhoneLogin", "/m/", "gzip", 200, "text/html", "gzip"},
		{"ConsoleRedirect", "/console", "", 301, "", ""},
		{"ModuleGzip", "/lib/api.js", "gzip, deflate, br", 200, "text/javascript", "gzip"},
		{"ModulePlain", "/lib/api.js", "", 200, "text/javascript", ""},
		{"Stylesheet", "/m/phone.css", "gzip", 200, "text/css", "gzip"},
		{"Favicon", "/favicon.ico", "", 200, "image/x-icon", ""},
		{"UnknownFallsThrough", "/api/ping", "", 200, "text/plain", ""},
		{"NotFound", "/nope.js", "", 404, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest("GET", tc.path, nil)
			if tc.enc != "" {
				req.Header.Set("Accept-Encoding", tc.enc)
			}
			res, err := a.Test(req)
			if err != nil {
				t.Fatal(err)
			}
			if res.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", res.StatusCode, tc.status)
			}
			if !strings.HasPrefix(res.Header.Get("Content-Type"), tc.ctype) {
				t.Fatalf("content type %q", res.Header.Get("Content-Type"))
			}
			if got := res.Header.Get("Content-Encoding"); got != tc.gz {
				t.Fatalf("content encoding %q, want %q", got, tc.gz)
			}
		})
	}
	t.Run("NotModified", func(t *testing.T) {
		res, _ := a.Test(httptest.NewRequest("GET", "/lib/dom.js", nil))
		req := httptest.NewRequest("GET", "/lib/dom.js", nil)
		req.Header.Set("If-None-Match", res.Header.Get("ETag"))
		res2, _ := a.Test(req)
		if res.Header.Get("ETag") == "" || res2.StatusCode != 304 {
			t.Fatalf("etag %q, revalidation %d", res.Header.Get("ETag"), res2.StatusCode)
		}
	})
	t.Run("HTMLNotCached", func(t *testing.T) {
		res, _ := a.Test(httptest.NewRequest("GET", "/m/elders.html", nil))
		if res.Header.Get("Cache-Control") != "no-cache" {
			t.Fatalf("cache-control %q", res.Header.Get("Cache-Control"))
		}
		b, _ := io.ReadAll(res.Body)
		if !strings.Contains(string(b), `lang="zh-CN"`) {
			t.Fatal("page is not marked Simplified Chinese")
		}
	})
}

var (
	htmlRef    = regexp.MustCompile(`(?:href|src)="([^"#?]+)`)
	preloadRef = regexp.MustCompile(`rel="modulepreload" href="([^"]+)"`)
	importRef  = regexp.MustCompile(`(?m)(?:^import\s[^'"]*|^export\s[^'"]*\sfrom\s|import\()\s*['"]([^'"]+)['"]`)
)

// TestReferencesResolve: every local link, script, stylesheet and module
// import in the embedded files names an embedded file, so a renamed file
// cannot break a page unnoticed (the apply page belongs to the
// recruitment issue and is checked the same way).
func TestReferencesResolve(t *testing.T) {
	sub, _ := fs.Sub(static, "static")
	as, err := Load(sub)
	if err != nil {
		t.Fatal(err)
	}
	for p, a := range as {
		var refs [][]string
		switch path.Ext(p) {
		case ".html":
			refs = htmlRef.FindAllStringSubmatch(string(a.body), -1)
		case ".js":
			refs = importRef.FindAllStringSubmatch(string(a.body), -1)
		}
		for _, m := range refs {
			ref := m[1]
			if strings.Contains(ref, "://") || strings.HasPrefix(ref, "/api/") || strings.HasPrefix(ref, "/admin/") || ref == "/readyz" || strings.HasPrefix(ref, "tel:") || strings.HasPrefix(ref, "mailto:") {
				continue
			}
			target := ref
			if !strings.HasPrefix(ref, "/") {
				target = path.Join(path.Dir(p), ref)
				if strings.HasSuffix(ref, "/") {
					target += "/"
				}
			}
			if as.lookup(target) == nil {
				t.Errorf("%s refers to %s, which is not embedded", p, ref)
			}
		}
	}
}

// graph returns the JS and CSS a page loads: its stylesheets, scripts and
// their imports, and which modules the page preloads.
func graph(as Assets, page string) (files, preloaded map[string]bool) {
	files, preloaded = map[string]bool{}, map[string]bool{}
	var walk func(string)
	walk = func(f string) {
		if files[f] || as[f] == nil {
			return
		}
		files[f] = true
		for _, m := range importRef.FindAllStringSubmatch(string(as[f].body), -1) {
			walk(path.Join(path.Dir(f), m[1]))
		}
	}
	for _, m := range htmlRef.FindAllStringSubmatch(string(as[page].body), -1) {
		if ext := path.Ext(m[1]); ext == ".js" || ext == ".css" {
			walk(path.Join(path.Dir(page), m[1]))
		}
	}
	for _, m := range preloadRef.FindAllStringSubmatch(string(as[page].body), -1) {
		preloaded[path.Join(path.Dir(page), m[1])] = true
	}
	return files, preloaded
}

func ours(p string) bool {
	return (strings.HasPrefix(p, "/m/") || strings.HasPrefix(p, "/console/")) && path.Ext(p) == ".html"
}

// TestModulesPreloaded: each page preloads every module it needs, so the
// browser fetches the whole graph at once instead of one level of imports
// per round trip (400 ms each on slow 3G).
func TestModulesPreloaded(t *testing.T) {
	sub, _ := fs.Sub(static, "static")
	as, _ := Load(sub)
	for p := range as {
		if !ours(p) {
			continue
		}
		files, preloaded := graph(as, p)
		for f := range files {
			if path.Ext(f) == ".js" && !preloaded[f] {
				t.Errorf("%s loads %s without <link rel=\"modulepreload\">", p, f)
			}
		}
	}
}

// TestPhonePagesWeight adds up, without a browser, the gzipped JS and CSS
// each phone page loads and holds it to the bar (200 KB); the browser test
// measures the same over the wire.
func TestPhonePagesWeight(t *testing.T) {
	sub, _ := fs.Sub(static, "static")
	as, _ := Load(sub)
	for p := range as {
		if !strings.HasPrefix(p, "/m/") || path.Ext(p) != ".html" {
			continue
		}
		files, _ := graph(as, p)
		total := 0
		for f := range files {
			if a := as[f]; a.gz != nil {
				total += len(a.gz)
			} else {
				total += len(a.body)
			}
		}
		t.Logf("%-20s %2d files, %5.1f KB gzipped JS+CSS", p, len(files), float64(total)/1024)
		if total > 200*1024 {
			t.Errorf("%s needs %d bytes of JS+CSS, bar is 200 KB", p, total)
		}
		// A browser opens six HTTP/1.1 connections to a host: a seventh file
		// waits for a free one, one more 400 ms round trip on slow 3G.
		if len(files) > 6 {
			t.Errorf("%s loads %d JS/CSS files; keep phone pages to 6", p, len(files))
		}
	}
}

// TestConsoleBuildEmbedded: every file Vite wrote to static/console is in
// the binary (go:embed silently skips names starting with "_" or "."), and
// the console's page loads only files that exist.
func TestConsoleBuildEmbedded(t *testing.T) {
	sub, _ := fs.Sub(static, "static")
	as, _ := Load(sub)
	entries, err := os.ReadDir(filepath.Join("static", "console", "assets"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if as["/console/assets/"+e.Name()] == nil {
			t.Errorf("static/console/assets/%s is not embedded", e.Name())
		}
	}
	page := string(as["/console/index.html"].body)
	for _, m := range regexp.MustCompile(`(?:src|href)="(/console/[^"]+)"`).FindAllStringSubmatch(page, -1) {
		if as[m[1]] == nil {
			t.Errorf("console page refers to %s, which is not embedded", m[1])
		}
	}
}
