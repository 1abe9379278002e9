package registry

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

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
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "老人名册"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return fmt.Errorf("registry.ExportElders: %w", err)
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return fmt.Errorf("registry.ExportElders: %w", err)
	}
	header := append(append([]any{}, toAny(ElderColumns)...), "状态", "入册环节", "资格")
	if err := sw.SetRow("A1", header); err != nil {
		return fmt.Errorf("registry.ExportElders: %w", err)
	}
	n := 1
	err = s.Store.AllElders(ctx, area, func(e Elder) error {
		e = e.Masked()
		n++
		c := Contact{}
		if len(e.Contacts) > 0 {
			c = e.Contacts[0]
		}
		dis := "无"
		if e.Health.DisabilityLevel > 0 {
			dis = fmt.Sprintf("%d级", e.Health.DisabilityLevel)
		}
		row := []any{e.Name, e.IDNumber, e.Phone, e.Village, e.Address, yn(e.Poor), e.PovertyNo, yn(e.LeftBehind), yn(e.Bereaved),
			dis, e.Health.SelfCare, yn(e.Family.LivingAlone), e.Family.Children,
			strings.Join(e.Needs.Health, "、"), strings.Join(e.Needs.Dependency, "、"), strings.Join(e.Needs.Home, "、"), strings.Join(e.Needs.Psychological, "、"),
			c.Name, c.Relation, c.Phone, StatusName[e.Status], e.Stage, yn(e.Eligibility.Eligible)}
		cell, _ := excelize.CoordinatesToCellName(1, n)
		return sw.SetRow(cell, row)
	})
	if err != nil {
		return fmt.Errorf("registry.ExportElders: %w", err)
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("registry.ExportElders: %w", err)
	}
	_, err = f.WriteTo(w)
	return err
}

func toAny(xs []string) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}
