package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"

	"github.com/gofiber/fiber/v2"

	"jinhui/shared/apperr"
	"jinhui/shared/dict"
	"jinhui/shared/textnorm"
	"jinhui/shared/valid"
)

// maxJSON bounds a JSON body; file uploads have their own limit.
const maxJSON = 1 << 20

// checker decodes and validates bodies (package valid).
type checker struct{}

func newChecker() *checker { return &checker{} }

// decode reads the body strictly into dst (unknown fields, wrong types,
// trailing data and oversize bodies are refused, naming the field) and
// validates it.
func (ck *checker) decode(c *fiber.Ctx, dst any) error {
	body := c.Body()
	if len(body) > maxJSON {
		return apperr.Field("body", "请求内容过大")
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return apperr.Field("body", "请求内容为空")
	}
	// A body must be what the operation describes: `null`, a bare number
	// or a list where an object is expected would otherwise decode as
	// "nothing given" and, on a PUT, wipe what is stored.
	if want := reflect.TypeOf(dst).Elem().Kind(); want == reflect.Struct {
		if t := bytes.TrimSpace(body); t[0] != '{' {
			return apperr.Field("body", "请求内容应为 JSON 对象 {…}")
		}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return jsonError(err)
	}
	if dec.Decode(&struct{}{}) != io.EOF {
		return apperr.Field("body", "请求内容在 JSON 之后还有多余数据")
	}
	textnorm.Struct(dst)
	return valid.Struct(dst)
}

// kindName is a JSON type in Chinese, for "类型错误" messages.
var kindName = map[reflect.Kind]string{
	reflect.String: "文本", reflect.Bool: "是或否(true/false)", reflect.Int: "整数", reflect.Int8: "整数", reflect.Int16: "整数",
	reflect.Int32: "整数", reflect.Int64: "整数", reflect.Uint: "非负整数", reflect.Uint8: "非负整数", reflect.Uint16: "非负整数",
	reflect.Uint32: "非负整数", reflect.Uint64: "非负整数", reflect.Float32: "数字", reflect.Float64: "数字",
	reflect.Slice: "列表 [...]", reflect.Array: "列表 [...]", reflect.Map: "对象 {...}", reflect.Struct: "对象 {...}",
}

func jsonError(err error) error {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &te):
		k := te.Type.Kind()
		if k == reflect.Pointer {
			k = te.Type.Elem().Kind()
		}
		name, ok := kindName[k]
		if !ok {
			name = "其他类型"
		}
		field := te.Field
		if field == "" {
			field = "body"
		}
		return apperr.Field(field, fmt.Sprintf("%s类型错误, 应为%s", dict.Label(field), name))
	case errors.As(err, &se):
		return apperr.Field("body", fmt.Sprintf("JSON 格式错误(第 %d 字节)", se.Offset))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return apperr.Field(f, "未知字段")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return apperr.Field("body", "JSON 不完整")
	}
	return apperr.Field("body", "JSON 格式错误")
}
