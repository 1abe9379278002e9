package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"

	"github.com/go-playground/locales/zh"
	ut "github.com/go-playground/universal-translator"
	"github.com/go-playground/validator/v10"
	zhtrans "github.com/go-playground/validator/v10/translations/zh"
	"github.com/gofiber/fiber/v2"

	"jinhui/shared/apperr"
	"jinhui/shared/textnorm"
)

// maxJSON bounds a JSON body; file uploads have their own limit.
const maxJSON = 1 << 20

// checker validates decoded bodies with Chinese messages that name the
// JSON field.
type checker struct {
	v     *validator.Validate
	trans ut.Translator
}

func newChecker() *checker {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name := strings.SplitN(f.Tag.Get("json"), ",", 2)[0]
		if name == "-" {
			return ""
		}
		return name
	})
	z := zh.New()
	trans, _ := ut.New(z, z).GetTranslator("zh")
	_ = zhtrans.RegisterDefaultTranslations(v, trans)
	return &checker{v: v, trans: trans}
}

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
	return ck.check(dst)
}

func (ck *checker) check(v any) error {
	err := ck.v.Struct(v)
	var ves validator.ValidationErrors
	if errors.As(err, &ves) && len(ves) > 0 {
		fe := ves[0]
		ns := fe.Namespace()
		if i := strings.IndexByte(ns, '.'); i >= 0 {
			ns = ns[i+1:]
		}
		return apperr.Field(ns, fe.Translate(ck.trans))
	}
	if err != nil {
		return apperr.Field("body", "请求内容无效")
	}
	return nil
}

func jsonError(err error) error {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &te):
		return apperr.Field(te.Field, fmt.Sprintf("类型错误, 应为 %s", te.Type.Kind()))
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
