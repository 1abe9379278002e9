// Package web serves the web app's built files from the binary. The full
// organizer console and phone pages come with the web-app issue; until
// then a start page links the API and its documentation.
package web

import (
	"embed"
	"io/fs"
	"net/http"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/filesystem"
)

//go:embed static
var static embed.FS

// Handler serves the embedded files at /.
func Handler() fiber.Handler {
	sub, _ := fs.Sub(static, "static")
	return filesystem.New(filesystem.Config{Root: http.FS(sub), Index: "index.html", MaxAge: 300})
}
