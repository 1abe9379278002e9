package registry

import (
	"context"
	"fmt"
	"io"
	"strings"

	"jinhui/shared/xlsx"

	"jinhui/services/access"
	"jinhui/shared/apperr"
)

func yn(b bool) string {
	if b {
		return "是"
	}
	return "否"
}

// ExportElders writes the register of a subtree as xlsx in the layout of
// ElderColumns (plus status and intake stage), personal data masked.
func (s *Service) ExportElders(ctx context.Context, p access.Principal, area string, w io.Writer) error {
	if err := p.RequireOrganizer(); err != nil {
		return err
	}
	if area == "" {
		area = p.Region
	} else if c, err := NormalizeCode(area); err != nil || !Within(c, p.Region) {
		return apperr.Field("area", "该区划不在您的管辖范围内")
	} else {
		area = c
	}
	book := xlsx.New()
	sh, err := book.Sheet("老人名册", "", append(append([]string{}, ElderColumns...), "状态", "入册环节", "资格"))
	if err != nil {
		return fmt.Errorf("registry.ExportElders: %w", err)
	}
	err = s.Store.AllElders(ctx, area, func(e Elder) error {
		e = e.Masked()
		c := Contact{}
		if len(e.Contacts) > 0 {
			c = e.Contacts[0]
		}
		dis := "无"
		if e.Health.DisabilityLevel > 0 {
			dis = fmt.Sprintf("%d级", e.Health.DisabilityLevel)
		}
		return sh.Row(e.Name, e.IDNumber, e.Phone, e.Village, e.Address, yn(e.Poor), e.PovertyNo, yn(e.LeftBehind), yn(e.Bereaved),
			dis, e.Health.SelfCare, yn(e.Family.LivingAlone), e.Family.Children,
			strings.Join(e.Needs.Health, "、"), strings.Join(e.Needs.Dependency, "、"), strings.Join(e.Needs.Home, "、"), strings.Join(e.Needs.Psychological, "、"),
			c.Name, c.Relation, c.Phone, StatusName[e.Status], e.Stage, yn(e.Eligibility.Eligible))
	})
	if err != nil {
		return fmt.Errorf("registry.ExportElders: %w", err)
	}
	_, err = book.WriteTo(w)
	return err
}
