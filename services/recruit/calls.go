package recruit

import (
	"context"
	"fmt"
	"jinhui/shared/dict"
	"jinhui/shared/page"
	"jinhui/shared/valid"
	"net/url"
	"slices"
	"strings"

	"jinhui/services/access"
	"jinhui/services/registry"
	"jinhui/shared/apperr"
	"jinhui/shared/area"
	"jinhui/shared/clock"
	"jinhui/shared/qr"
)

// CallInput is what an organizer writes for a call (rule V1).
type CallInput struct {
	Title  string   `json:"title" validate:"required,max=100"`
	Text   string   `json:"text" validate:"required,max=5000"`
	Kinds  []string `json:"kinds" validate:"required,min=1,max=5,unique,dive,oneof=neighbour urban doctor psychologist group"`
	Quotas []Quota  `json:"quotas" validate:"max=500,dive"`
	Total  int      `json:"total" validate:"min=0,max=1000000"`
	Opens  string   `json:"opens" validate:"required,datetime=2006-01-02"`
	Closes string   `json:"closes" validate:"required,datetime=2006-01-02"`
}

// CallUpdate changes a call at the version read; Closed ends it early.
type CallUpdate struct {
	Version int  `json:"version" validate:"required"`
	Closed  bool `json:"closed"`
	CallInput
}

// build checks the input against the call's region: the dates in order,
// each quota area a distinct existing child of the region.
func (s *Service) build(ctx context.Context, in CallInput, c *Call) error {
	if strings.TrimSpace(in.Title) == "" {
		return apperr.Field("title", "标题不能为空")
	}
	if in.Closes < in.Opens {
		return apperr.Field("closes", "截止日期不能早于开始日期")
	}
	seen := map[string]bool{}
	quotas := make([]Quota, len(in.Quotas))
	for i, q := range in.Quotas {
		f := fmt.Sprintf("quotas[%d].area", i)
		code, err := area.NormalizeCode(q.Area)
		if err != nil || area.ParentOf(code) != c.Region {
			return apperr.Field(f, "名额只能分配给本级的直接下级区划")
		}
		if seen[code] {
			return apperr.Field(f, "区划重复")
		}
		seen[code] = true
		r, err := s.Store.Region(ctx, code)
		if err != nil {
			if apperr.Is(err, apperr.NotFound) {
				return apperr.Field(f, "区划不存在")
			}
			return err
		}
		quotas[i] = Quota{Area: code, Name: r.Name, Quota: q.Quota}
	}
	c.Title, c.Text, c.Kinds, c.Quotas, c.Total = strings.TrimSpace(in.Title), strings.TrimSpace(in.Text), in.Kinds, quotas, in.Total
	c.Opens, c.Closes = in.Opens, in.Closes
	return nil
}

// CreateCall publishes a call for p's own region. Writers only.
func (s *Service) CreateCall(ctx context.Context, p access.Principal, in CallInput) (Call, error) {
	if err := valid.Struct(in); err != nil {
		return Call{}, err
	}
	if err := p.RequireWriter(); err != nil {
		return Call{}, err
	}
	r, err := s.Store.Region(ctx, p.Region)
	if err != nil {
		return Call{}, fmt.Errorf("recruit.CreateCall: %w", err)
	}
	now := s.Now()
	c := Call{ID: registry.NewID(), Region: r.Code, RegionName: r.Name, Areas: area.AreasOf(r.Code), Quotas: []Quota{},
		CreatedBy: p.ID, CreatedByName: p.Name, Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := s.build(ctx, in, &c); err != nil {
		return Call{}, err
	}
	if err := s.Store.InsertCall(ctx, c); err != nil {
		return Call{}, fmt.Errorf("recruit.CreateCall: %w", err)
	}
	return s.withLink(c), nil
}

// callFor returns a call p may see: one of p's subtree or of the levels
// above p (an organizer screens the calls that reach their area).
func (s *Service) callFor(ctx context.Context, p access.Principal, id string) (Call, error) {
	if err := p.RequireOrganizer(); err != nil {
		return Call{}, err
	}
	c, err := s.Store.Call(ctx, id)
	if err != nil {
		return Call{}, err
	}
	if !area.Within(c.Region, p.Region) && !area.Within(p.Region, c.Region) {
		return Call{}, apperr.NotFoundf("招募倡议不存在")
	}
	return c, nil
}

// Call returns one call with its public link.
func (s *Service) Call(ctx context.Context, p access.Principal, id string) (Call, error) {
	c, err := s.callFor(ctx, p, id)
	return s.withLink(c), err
}

// ListCalls lists the calls p may see, newest first.
func (s *Service) ListCalls(ctx context.Context, p access.Principal, ord page.Order, offset, limit int) (registry.Page[Call], error) {
	if err := p.RequireOrganizer(); err != nil {
		return registry.Page[Call]{}, err
	}
	cs, n, err := s.Store.Calls(ctx, p.Region, ord, offset, limit)
	if err != nil {
		return registry.Page[Call]{}, fmt.Errorf("recruit.ListCalls: %w", err)
	}
	for i := range cs {
		cs[i] = s.withLink(cs[i])
	}
	return registry.Page[Call]{Items: cs, Total: n}, nil
}

// PublicCallItem is one open call in the public list (/apply.html with no
// call chosen): what a passer-by needs to pick one.
type PublicCallItem struct {
	ID         string `json:"id"`
	Title      string `json:"title"`
	RegionName string `json:"regionName"`
	Opens      string `json:"opens"`
	Closes     string `json:"closes"`
}

// OpenCalls lists the calls open today that reach an area (published in
// it, under it or above it), newest first; every call when area is empty.
// It reads one page of calls (limit) and keeps the open ones.
func (s *Service) OpenCalls(ctx context.Context, areaCode string, limit int) ([]PublicCallItem, error) {
	if areaCode != "" {
		c, err := area.NormalizeCode(areaCode)
		if err != nil {
			return nil, apperr.Field("area", "区划代码应为 6、9 或 12 位数字")
		}
		areaCode = c
	}
	cs, err := s.Store.OpenCallsOn(ctx, areaCode, clock.Today(s.Now()), limit)
	if err != nil {
		return nil, fmt.Errorf("recruit.OpenCalls: %w", err)
	}
	out := []PublicCallItem{}
	for _, c := range cs {
		out = append(out, PublicCallItem{ID: c.ID, Title: c.Title, RegionName: c.RegionName, Opens: c.Opens, Closes: c.Closes})
	}
	return out, nil
}

// UpdateCall changes a call; writers at the call's level or above.
func (s *Service) UpdateCall(ctx context.Context, p access.Principal, id string, in CallUpdate) (Call, error) {
	if err := valid.Struct(in); err != nil {
		return Call{}, err
	}
	if err := p.RequireWriter(); err != nil {
		return Call{}, err
	}
	c, err := s.callFor(ctx, p, id)
	if err != nil {
		return Call{}, err
	}
	if !area.Within(c.Region, p.Region) {
		return Call{}, apperr.New(apperr.Forbidden, "只有发布倡议的一级及其上级可以修改")
	}
	if in.Version != c.Version {
		return Call{}, apperr.New(apperr.Conflict, "记录已被他人修改, 请刷新后重试")
	}
	if err := s.build(ctx, in.CallInput, &c); err != nil {
		return Call{}, err
	}
	c.Closed, c.UpdatedAt = in.Closed, s.Now()
	if err := s.Store.ReplaceCall(ctx, &c); err != nil {
		return Call{}, fmt.Errorf("recruit.UpdateCall: %w", err)
	}
	return s.withLink(c), nil
}

func (s *Service) withLink(c Call) Call {
	if c.ID != "" {
		c.Link = strings.TrimRight(s.PublicURL, "/") + "/apply.html?call=" + url.QueryEscape(c.ID)
	}
	return c
}

// QR returns a PNG QR code of a call's public link, for posters and
// sharing. The call need not be open; anyone may fetch it.
func (s *Service) QR(ctx context.Context, id string, size int) ([]byte, error) {
	c, err := s.Store.Call(ctx, id)
	if err != nil {
		return nil, apperr.NotFoundf("招募倡议不存在")
	}
	if size < 128 || size > 1024 {
		size = 512
	}
	png, err := qr.PNG(s.withLink(c).Link, size)
	if err != nil {
		return nil, fmt.Errorf("recruit.QR: %w", err)
	}
	return png, nil
}

// Option is a code with its Chinese label.
type Option struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// PublicPartner is what the form shows of a partner organisation.
type PublicPartner struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Kind string `json:"kind"`
}

// PublicCall is what anyone may read of a call: no organizer data.
type PublicCall struct {
	ID             string          `json:"id"`
	Title          string          `json:"title"`
	Text           string          `json:"text"`
	Region         string          `json:"region"`
	RegionName     string          `json:"regionName"`
	Opens          string          `json:"opens"`
	Closes         string          `json:"closes"`
	Open           bool            `json:"open"`
	Kinds          []Option        `json:"kinds"`
	Areas          []Option        `json:"areas,omitempty"`
	Skills         []Option        `json:"skills"`
	Sources        []Option        `json:"sources"`
	Partners       []PublicPartner `json:"partners"`
	ConsentVersion string          `json:"consentVersion"`
	ConsentText    string          `json:"consentText"`
}

var skillOrder = dict.SkillCodes()
var sourceOrder = []string{"university", "social_org", "individual", "family"}

// PublicCall returns the public view of a call for the application form.
func (s *Service) PublicCall(ctx context.Context, id string) (PublicCall, error) {
	c, err := s.Store.Call(ctx, id)
	if err != nil {
		return PublicCall{}, apperr.NotFoundf("招募倡议不存在")
	}
	out := PublicCall{ID: c.ID, Title: c.Title, Text: c.Text, Region: c.Region, RegionName: c.RegionName, Opens: c.Opens, Closes: c.Closes,
		Open: c.Open(clock.Today(s.Now())), ConsentVersion: ConsentVersion, ConsentText: ConsentText, Partners: []PublicPartner{}}
	for _, k := range c.Kinds {
		out.Kinds = append(out.Kinds, Option{k, Kinds[k]})
	}
	for _, q := range c.Quotas {
		out.Areas = append(out.Areas, Option{q.Area, q.Name})
	}
	for _, k := range skillOrder {
		out.Skills = append(out.Skills, Option{k, registry.Skills[k]})
	}
	for _, k := range sourceOrder {
		out.Sources = append(out.Sources, Option{k, registry.SourceKinds[k]})
	}
	ps, err := s.Store.Partners(ctx, c.Region)
	if err != nil {
		return PublicCall{}, fmt.Errorf("recruit.PublicCall: %w", err)
	}
	today := clock.Today(s.Now())
	for _, p := range ps {
		if today >= p.From && today <= p.To {
			out.Partners = append(out.Partners, PublicPartner{p.ID, p.Name, p.Kind})
		}
	}
	return out, nil
}

// PublicRegions lists the child regions of parent (the call's region when
// empty) inside the call's reach, for the form's home-village choice.
func (s *Service) PublicRegions(ctx context.Context, id, parent string) ([]Option, error) {
	c, err := s.Store.Call(ctx, id)
	if err != nil {
		return nil, apperr.NotFoundf("招募倡议不存在")
	}
	if parent == "" {
		parent = c.Region
	}
	code, err := area.NormalizeCode(parent)
	if err != nil || !area.Within(code, c.Region) || area.LevelOf(code) == area.Village {
		return nil, apperr.Field("parent", "区划不在本次招募范围内")
	}
	rs, err := s.Store.ChildRegions(ctx, code)
	if err != nil {
		return nil, fmt.Errorf("recruit.PublicRegions: %w", err)
	}
	out := []Option{}
	for _, r := range rs {
		if code == c.Region && len(c.Quotas) > 0 && !slices.ContainsFunc(c.Quotas, func(q Quota) bool { return q.Area == r.Code }) {
			continue
		}
		out = append(out, Option{r.Code, r.Name})
	}
	return out, nil
}

// quotaArea is the area whose quota an applicant from village counts
// against: the call region's child containing it, or the call's region.
func quotaArea(c Call, village string) string {
	if len(c.Quotas) == 0 {
		return c.Region
	}
	return area.AncestorAt(village, area.LevelOf(c.Region)+1)
}

// quotaOf returns the quota of an area (-1: no limit).
func quotaOf(c Call, a string) int {
	if len(c.Quotas) == 0 {
		if c.Total > 0 {
			return c.Total
		}
		return -1
	}
	for _, q := range c.Quotas {
		if q.Area == a {
			return q.Quota
		}
	}
	return 0
}
