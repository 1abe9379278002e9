package httpapi

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"

	"github.com/gofiber/fiber/v2"

	"jinhui/services/registry"
	"jinhui/shared/apperr"
	"jinhui/shared/xlsx"
)

const xlsxType = xlsx.ContentType

// maxUpload bounds an uploaded sheet.
const maxUpload = 10 << 20

// upload returns the multipart "file" field's name and content.
func upload(c *fiber.Ctx) (string, []byte, error) {
	fh, err := c.FormFile("file")
	if err != nil {
		return "", nil, apperr.Field("file", "请以 multipart/form-data 上传文件(字段名 file)")
	}
	if fh.Size > maxUpload {
		return "", nil, apperr.Field("file", "文件超过 10 MB")
	}
	f, err := fh.Open()
	if err != nil {
		return "", nil, apperr.Field("file", "无法读取上传的文件")
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxUpload+1))
	if err != nil {
		return "", nil, apperr.Field("file", "无法读取上传的文件")
	}
	return fh.Filename, b, nil
}

func (s *Server) importRegions(c *fiber.Ctx) error {
	name, data, err := upload(c)
	if err != nil {
		return err
	}
	rs, err := registry.ParseRegionsCSV(name, data)
	if err != nil {
		return err
	}
	n, err := s.Registry.ImportRegions(c.UserContext(), principal(c), rs)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"stored": n})
}

// sheetTable reads the uploaded sheet (header and rows).
func sheetTable(c *fiber.Ctx) (registry.Sheet, error) {
	name, data, err := upload(c)
	if err != nil {
		return registry.Sheet{}, err
	}
	return registry.ReadTable(name, data)
}

func (s *Server) importElders(c *fiber.Ctx) error {
	sh, err := sheetTable(c)
	if err != nil {
		return err
	}
	rep, err := s.Registry.ImportElders(c.UserContext(), principal(c), sh, c.Query("mode", registry.ModeCheck))
	if err != nil {
		return err
	}
	st := fiber.StatusOK
	if rep.Mode == registry.ModeStrict && len(rep.Problems) > 0 {
		st = fiber.StatusUnprocessableEntity
	}
	return c.Status(st).JSON(rep)
}

func (s *Server) compareElders(c *fiber.Ctx) error {
	sh, err := sheetTable(c)
	if err != nil {
		return err
	}
	cmp, err := s.Registry.CompareElders(c.UserContext(), principal(c), sh)
	if err != nil {
		return err
	}
	return c.JSON(cmp)
}

// resolveComparison applies an organizer's choices from a comparison: the
// same file again, with the decisions as a JSON form field.
func (s *Server) resolveComparison(c *fiber.Ctx) error {
	sh, err := sheetTable(c)
	if err != nil {
		return err
	}
	var in registry.ResolveInput
	raw := strings.TrimSpace(c.FormValue("decisions"))
	if raw == "" || raw == "null" {
		return apperr.Field("decisions", "请在表单字段 decisions 中以 JSON 对象给出处理决定")
	}
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return apperr.Field("decisions", "处理决定应为 JSON 对象: add(行号列表)、update(行号列表)、gone(老人编号列表)、status、date、reason")
	}
	rep, err := s.Registry.ResolveComparison(c.UserContext(), principal(c), sh, in)
	if err != nil {
		return err
	}
	return c.JSON(rep)
}

func (s *Server) exportElders(c *fiber.Ctx) error {
	var buf bytes.Buffer
	if err := s.Registry.ExportElders(c.UserContext(), principal(c), c.Query("area"), &buf); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, xlsxType)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="elders.xlsx"; filename*=UTF-8''%E8%80%81%E4%BA%BA%E5%90%8D%E5%86%8C.xlsx`)
	return c.Send(buf.Bytes())
}
