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
	"jinhui/shared/dict"
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
		return apperr.Field(ns, ck.message(fe, ns))
	}
	if err != nil {
		return apperr.Field("body", "请求内容无效")
	}
	return nil
}

// message says in Chinese what the field wants, naming it by its Chinese
// label and any allowed codes by their Chinese names (package dict): never
// a JSON name, a Go type or a code.
func (ck *checker) message(fe validator.FieldError, path string) string {
	label := dict.Label(path)
	switch fe.Tag() {
	case "required", "required_if", "required_unless", "required_with", "required_without":
		if fe.Kind() == reflect.Bool || fe.Kind() == reflect.Slice || fe.Kind() == reflect.Pointer && fe.Type().Elem().Kind() == reflect.Bool {
			return "请选择" + label
		}
		return "请填写" + label
	case "oneof":
		return label + "应为以下之一: " + strings.Join(dict.Names(strings.Fields(fe.Param())), "、")
	case "datetime":
		switch fe.Param() {
		case "2006-01-02":
			return label + "应为日期, 格式如 2026-11-27"
		case "2006-01":
			return label + "应为月份, 格式如 2026-11"
		case "15:04":
			return label + "应为时间, 格式如 09:30"
		}
		return label + "格式不正确"
	case "numeric":
		return label + "只能包含数字"
	case "len":
		if fe.Kind() == reflect.String {
			return label + "应为 " + fe.Param() + " 位"
		}
	case "unique":
		return label + "不能重复"
	}
	msg := fe.Translate(ck.trans)
	if f := fe.Field(); f != "" && strings.HasPrefix(msg, f) {
		msg = label + msg[len(f):]
	}
	return msg
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
