package recruit

import (
	"context"
	"fmt"
	"strings"

	"jinhui/services/access"
	"jinhui/services/registry"
	"jinhui/shared/apperr"
	"jinhui/shared/area"
	"jinhui/shared/page"
	"jinhui/shared/pii"
	"jinhui/shared/valid"
)

// PartnerInput is a partner organisation and its service agreement (V3).
type PartnerInput struct {
	Name         string `json:"name" validate:"required,max=64"`
	Kind         string `json:"kind" validate:"required,oneof=university social_org"`
	ContactName  string `json:"contactName" validate:"required,max=32"`
	ContactPhone string `json:"contactPhone" validate:"required,max=32"`
	From         string `json:"from" validate:"required,datetime=2006-01-02"`
	To           string `json:"to" validate:"required,datetime=2006-01-02"`
	Promised     int    `json:"promised" validate:"min=0,max=100000"`
	Note         string `json:"note,omitempty" validate:"max=1000"`
}

// PartnerUpdate changes a partner at the version read. Organizers see
// the contact phone masked, so an update may leave it out: the saved one
// is kept.
type PartnerUpdate struct {
	Version      int    `json:"version" validate:"required"`
	Name         string `json:"name" validate:"required,max=64"`
	Kind         string `json:"kind" validate:"required,oneof=university social_org"`
	ContactName  string `json:"contactName" validate:"required,max=32"`
	ContactPhone string `json:"contactPhone,omitempty" validate:"max=32"`
	From         string `json:"from" validate:"required,datetime=2006-01-02"`
	To           string `json:"to" validate:"required,datetime=2006-01-02"`
	Promised     int    `json:"promised" validate:"min=0,max=100000"`
	Note         string `json:"note,omitempty" validate:"max=1000"`
}

func buildPartner(in PartnerInput, pt *Partner) error {
	name := strings.TrimSpace(in.Name)
	if name == "" {
		return apperr.Field("name", "名称不能为空")
	}
	ph, err := pii.NormalizePhone(in.ContactPhone)
	if err != nil {
		return apperr.Field("contactPhone", err.Error())
	}
	if in.To < in.From {
		return apperr.Field("to", "协议结束日期不能早于开始日期")
	}
	pt.Name, pt.Kind, pt.ContactName, pt.ContactPhone = name, in.Kind, strings.TrimSpace(in.ContactName), ph
	pt.From, pt.To, pt.Promised, pt.Note = in.From, in.To, in.Promised, cleanText(in.Note)
	return nil
}

// CreatePartner records a partner organisation of p's region. Writers.
func (s *Service) CreatePartner(ctx context.Context, p access.Principal, in PartnerInput) (Partner, error) {
	if err := valid.Struct(in); err != nil {
		return Partner{}, err
	}
	if err := p.RequireWriter(); err != nil {
		return Partner{}, err
	}
	now := s.Now()
	pt := Partner{ID: registry.NewID(), Region: p.Region, Areas: area.AreasOf(p.Region), Version: 1, CreatedBy: p.ID, CreatedAt: now, UpdatedAt: now}
	if err := buildPartner(in, &pt); err != nil {
		return Partner{}, err
	}
	for _, o := range mustPartners(s.Store.Partners(ctx, p.Region)) {
		if o.Region == pt.Region && o.Name == pt.Name {
			return Partner{}, apperr.Field("name", "本级已有同名合作单位")
		}
	}
	if err := s.Store.InsertPartner(ctx, pt); err != nil {
		return Partner{}, fmt.Errorf("recruit.CreatePartner: %w", err)
	}
	return pt, nil
}

func mustPartners(ps []Partner, err error) []Partner {
	if err != nil {
		return nil
	}
	return ps
}

// partnerFor returns a partner of p's subtree or of the levels above.
func (s *Service) partnerFor(ctx context.Context, p access.Principal, id string) (Partner, error) {
	if err := p.RequireOrganizer(); err != nil {
		return Partner{}, err
	}
	pt, err := s.Store.Partner(ctx, id)
	if err != nil {
		return Partner{}, err
	}
	if !area.Within(pt.Region, p.Region) && !area.Within(p.Region, pt.Region) {
		return Partner{}, apperr.NotFoundf("合作单位不存在")
	}
	return pt, nil
}

// UpdatePartner changes a partner's agreement; writers at its level or above.
func (s *Service) UpdatePartner(ctx context.Context, p access.Principal, id string, in PartnerUpdate) (Partner, error) {
	if err := valid.Struct(in); err != nil {
		return Partner{}, err
	}
	if err := p.RequireWriter(); err != nil {
		return Partner{}, err
	}
	pt, err := s.partnerFor(ctx, p, id)
	if err != nil {
		return Partner{}, err
	}
	phone := in.ContactPhone
	if strings.TrimSpace(phone) == "" {
		phone = pt.ContactPhone
	}
	if !area.Within(pt.Region, p.Region) {
		return Partner{}, apperr.New(apperr.Forbidden, "只有签订协议的一级及其上级可以修改")
	}
	if in.Version != pt.Version {
		return Partner{}, apperr.New(apperr.Conflict, "记录已被他人修改, 请刷新后重试")
	}
	if err := buildPartner(PartnerInput{Name: in.Name, Kind: in.Kind, ContactName: in.ContactName, ContactPhone: phone,
		From: in.From, To: in.To, Promised: in.Promised, Note: in.Note}, &pt); err != nil {
		return Partner{}, err
	}
	pt.UpdatedAt = s.Now()
	if err := s.Store.ReplacePartner(ctx, &pt); err != nil {
		return Partner{}, fmt.Errorf("recruit.UpdatePartner: %w", err)
	}
	return s.count(ctx, p, pt)
}

// Partner returns a partner with the volunteers counted against its
// agreement: applications naming it and those accepted, in p's subtree.
func (s *Service) Partner(ctx context.Context, p access.Principal, id string) (Partner, error) {
	pt, err := s.partnerFor(ctx, p, id)
	if err != nil {
		return Partner{}, err
	}
	return s.count(ctx, p, pt)
}

// ListPartners lists a page of the partners p may see, each with its
// counts, and their number: a fixed number of commands whatever the size
// of the lists (the page, its count, and the counts of its partners).
func (s *Service) ListPartners(ctx context.Context, p access.Principal, pg page.Params) ([]Partner, int, error) {
	if err := p.RequireOrganizer(); err != nil {
		return nil, 0, err
	}
	ps, total, err := s.Store.PartnerPage(ctx, p.Region, pg)
	if err != nil {
		return nil, 0, fmt.Errorf("recruit.ListPartners: %w", err)
	}
	ids := make([]string, len(ps))
	for i, pt := range ps {
		ids[i] = pt.ID
	}
	applied, accepted, err := s.Store.PartnerCounts(ctx, p.Region, ids)
	if err != nil {
		return nil, 0, fmt.Errorf("recruit.ListPartners: %w", err)
	}
	for i := range ps {
		ps[i].Applied, ps[i].Accepted = applied[ps[i].ID], accepted[ps[i].ID]
		ps[i].ContactPhone = pii.MaskPhone(ps[i].ContactPhone)
	}
	return ps, total, nil
}

// count sets a partner's counts (in p's view of it).
func (s *Service) count(ctx context.Context, p access.Principal, pt Partner) (Partner, error) {
	root := pt.Region
	if !area.Within(root, p.Region) {
		root = p.Region
	}
	applied, accepted, err := s.Store.PartnerCounts(ctx, root, []string{pt.ID})
	if err != nil {
		return Partner{}, fmt.Errorf("recruit.count: %w", err)
	}
	pt.Applied, pt.Accepted = applied[pt.ID], accepted[pt.ID]
	return pt, nil
}
