// Package valid checks typed input by its `validate` tags, whatever the
// entry point (an HTTP body, a spreadsheet row, a task payload), and says
// what is wrong in Chinese, naming the JSON field (apperr.Field) by its
// Chinese label and any allowed codes by their Chinese names (package
// dict). Besides the validator's own tags it knows `skill` (a code of
// rule V4's skills, dict.Skills).
package valid

import (
	"errors"
	"reflect"
	"strings"

	"github.com/go-playground/locales/zh"
	ut "github.com/go-playground/universal-translator"
	"github.com/go-playground/validator/v10"
	zhtrans "github.com/go-playground/validator/v10/translations/zh"

	"jinhui/shared/apperr"
	"jinhui/shared/dict"
)

type checker struct {
	v     *validator.Validate
	trans ut.Translator
}

// std is the one checker (a validator caches each struct's rules and is
// safe for concurrent use).
var std = newChecker()

// Struct checks v (a struct or a pointer to one) by its tags: nil, or an
// apperr.Field naming the first field in error in Chinese.
func Struct(v any) error { return std.check(v) }

func newChecker() *checker {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name := strings.SplitN(f.Tag.Get("json"), ",", 2)[0]
		if name == "-" {
			return ""
		}
		return name
	})
	_ = v.RegisterValidation("skill", func(fl validator.FieldLevel) bool {
		_, ok := dict.Codes["skill"][fl.Field().String()]
		return ok
	})
	z := zh.New()
	trans, _ := ut.New(z, z).GetTranslator("zh")
	_ = zhtrans.RegisterDefaultTranslations(v, trans)
	return &checker{v: v, trans: trans}
}

func (ck *checker) check(v any) error {
	err := ck.v.Struct(v)
	var ves validator.ValidationErrors
	if errors.As(err, &ves) && len(ves) > 0 {
		fe := ves[0]
		ns := jsonPath(fe.Namespace())
		return apperr.Field(ns, ck.message(fe, ns))
	}
	if err != nil {
		return apperr.Field("body", "请求内容无效")
	}
	return nil
}

// jsonPath is a validator namespace (Type.field.Embedded.field) as the
// JSON path of the field: without the type's name, and without the Go
// names of embedded structs, whose fields JSON holds inline (JSON names
// here always begin in lower case).
func jsonPath(ns string) string {
	parts := strings.Split(ns, ".")[1:]
	out := make([]string, 0, len(parts))
	for _, p := range parts {
		if p != "" && p[0] >= 'A' && p[0] <= 'Z' {
			continue
		}
		out = append(out, p)
	}
	if len(out) == 0 { // a field without a JSON name
		return strings.Join(parts, ".")
	}
	return strings.Join(out, ".")
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
	case "skill":
		return label + "应为以下之一: " + strings.Join(dict.Names(dict.SkillCodes()), "、")
	}
	msg := fe.Translate(ck.trans)
	if f := fe.Field(); f != "" && strings.HasPrefix(msg, f) {
		msg = label + msg[len(f):]
	}
	return msg
}
