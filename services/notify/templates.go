package notify

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"jinhui/shared/apperr"
)

// Template is an SMS text with {placeholders}, editable by admins.
type Template struct {
	Key       string    `bson:"_id" json:"key"`
	Name      string    `bson:"name" json:"name"`
	Text      string    `bson:"text" json:"text"`
	Vars      []string  `bson:"vars" json:"vars"`
	UpdatedBy string    `bson:"updatedBy,omitempty" json:"updatedBy,omitempty"`
	UpdatedAt time.Time `bson:"updatedAt,omitempty" json:"updatedAt,omitempty"`
}

// DefaultTemplates are the texts in Simplified Chinese until an admin edits them.
var DefaultTemplates = map[string]Template{
	"visit_d3": {Name: "探访前 3 天提醒", Vars: []string{"volunteer", "elder", "village", "date"},
		Text: "【金晖助老】{volunteer}您好，您将于{date}探访{village}的{elder}老人，请提前安排时间。"},
	"visit_d1": {Name: "探访前 1 天提醒", Vars: []string{"volunteer", "elder", "village", "date"},
		Text: "【金晖助老】{volunteer}您好，明天（{date}）请探访{village}的{elder}老人，到达后请在手机上签到。"},
	"visit_missed": {Name: "未按期探访提醒", Vars: []string{"volunteer", "elder", "village", "date"},
		Text: "【金晖助老】{volunteer}您好，您原定{date}探访{village}{elder}老人尚未完成，请尽快补访，或在手机上退回给搭档。"},
	"visit_offer": {Name: "请搭档代为探访", Vars: []string{"volunteer", "partner", "elder", "village", "date"},
		Text: "【金晖助老】{volunteer}您好，{partner}原定{date}对{village}{elder}老人的探访未能完成，您可以在手机上接手这次探访。"},
	"visit_swap": {Name: "探访交换通知", Vars: []string{"volunteer", "partner", "elder", "village", "date"},
		Text: "【金晖助老】{volunteer}您好，{partner}与您交换了对{village}{elder}老人的探访，您的探访日期为{date}。"},
}

// TemplateStore keeps admins' edits of the templates.
type TemplateStore interface {
	Template(ctx context.Context, key string) (Template, error)
	PutTemplate(ctx context.Context, t Template) error
}

var placeholder = regexp.MustCompile(`\{([a-z]+)\}`)

// Render fills a template's placeholders.
func Render(text string, vars map[string]string) string {
	return placeholder.ReplaceAllStringFunc(text, func(m string) string {
		if v, ok := vars[m[1:len(m)-1]]; ok {
			return v
		}
		return m
	})
}

// template returns the admin's version of a template, or the default.
func (s *Service) template(ctx context.Context, key string) (Template, error) {
	def, ok := DefaultTemplates[key]
	if !ok {
		return Template{}, fmt.Errorf("notify: no template %q", key)
	}
	def.Key = key
	if s.Templates == nil {
		return def, nil
	}
	t, err := s.Templates.Template(ctx, key)
	if apperr.Is(err, apperr.NotFound) {
		return def, nil
	}
	if err != nil {
		return Template{}, err
	}
	t.Vars = def.Vars
	return t, nil
}

// SendTemplate renders a template and sends it under key; validUntil, if
// set, bounds a time-bound reminder (the carrier's validity period).
func (s *Service) SendTemplate(ctx context.Context, key, to, template string, vars map[string]string, validUntil time.Time) error {
	t, err := s.template(ctx, template)
	if err != nil {
		return err
	}
	return s.send(ctx, Message{ID: key, To: to, Kind: template, Body: Render(t.Text, vars), Status: StatusQueued, CreatedAt: s.Now(), ValidUntil: validUntil})
}

// ListTemplates returns every template as it is now used.
func (s *Service) ListTemplates(ctx context.Context) ([]Template, error) {
	keys := make([]string, 0, len(DefaultTemplates))
	for k := range DefaultTemplates {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]Template, 0, len(keys))
	for _, k := range keys {
		t, err := s.template(ctx, k)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// PutTemplate saves an admin's text for a template. Only the template's
// own placeholders may appear; texts stay short enough for one or two SMS.
func (s *Service) PutTemplate(ctx context.Context, key, text, by string) (Template, error) {
	def, ok := DefaultTemplates[key]
	if !ok {
		return Template{}, apperr.NotFoundf("短信模板不存在")
	}
	text = strings.TrimSpace(text)
	if n := len([]rune(text)); n < 4 || n > 300 {
		return Template{}, apperr.Field("text", "模板内容应为 4 到 300 字")
	}
	for _, m := range placeholder.FindAllStringSubmatch(text, -1) {
		known := false
		for _, v := range def.Vars {
			known = known || v == m[1]
		}
		if !known {
			return Template{}, apperr.Field("text", "未知的占位符 {"+m[1]+"}, 可用: {"+strings.Join(def.Vars, "} {")+"}")
		}
	}
	t := Template{Key: key, Name: def.Name, Text: text, Vars: def.Vars, UpdatedBy: by, UpdatedAt: s.Now()}
	if err := s.Templates.PutTemplate(ctx, t); err != nil {
		return Template{}, err
	}
	return t, nil
}
