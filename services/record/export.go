package record

import (
	"context"
	"fmt"
	"io"
	"sort"
	"time"

	"jinhui/services/access"
	"jinhui/services/ledger"
	"jinhui/services/registry"
	"jinhui/shared/apperr"
	"jinhui/shared/area"
	"jinhui/shared/dict"
	"jinhui/shared/pii"
	"jinhui/shared/valid"
	"jinhui/shared/xlsx"
)

// MaxExportRows is how many service lines one export holds; a larger
// area or period is refused, naming the area.
const MaxExportRows = 50000

// ExportHeader is the export's columns: the unified fields of a service
// record line that offices exchange (volunteer, ID, service date, place,
// content, hours, who recorded it), one line per ledger entry.
var ExportHeader = []string{"序号", "志愿者编号", "姓名", "证件类型", "证件号码", "所属县(区)", "所属村(社区)", "服务日期", "服务地点",
	"服务内容", "服务时长(小时)", "记录类别", "记录人", "备注"}

// ExportInput chooses an area and a span of months.
type ExportInput struct {
	Area string `json:"area"`
	From string `json:"from" validate:"required,datetime=2006-01"`
	To   string `json:"to" validate:"required,datetime=2006-01"`
}

// Export writes the service records of an area (in p's subtree) and span
// of months as one spreadsheet, oldest line first, ID numbers masked. It
// sends three commands whatever the size: the lines, their volunteers and
// the region names.
func (s *Service) Export(ctx context.Context, p access.Principal, in ExportInput, w io.Writer) (int, error) {
	if err := valid.Struct(in); err != nil {
		return 0, err
	}
	if err := p.RequireOrganizer(); err != nil {
		return 0, err
	}
	c, err := p.Subtree(in.Area, "area")
	if err != nil {
		return 0, err
	}
	for _, fv := range [][2]string{{"from", in.From}, {"to", in.To}} {
		if _, err := time.Parse("2006-01", fv[1]); err != nil {
			return 0, apperr.Field(fv[0], dict.Label(fv[0])+"月份应为 年-月, 如 2026-01")
		}
	}
	if in.From > in.To {
		return 0, apperr.Field("to", "结束月份早于开始月份")
	}
	es, err := s.Store.LedgerEntriesIn(ctx, c, in.From, in.To, MaxExportRows+1)
	if err != nil {
		return 0, fmt.Errorf("record.Export: %w", err)
	}
	if len(es) > MaxExportRows {
		return 0, apperr.Field("area", fmt.Sprintf("超过 %d 条, 请选择更小的区划或更短的时段", MaxExportRows))
	}
	sort.SliceStable(es, func(i, j int) bool {
		if es[i].Date != es[j].Date {
			return es[i].Date < es[j].Date
		}
		return es[i].ID < es[j].ID
	})
	vids, codes := []string{}, []string{c}
	seenV, seenC := map[string]bool{}, map[string]bool{c: true}
	for _, e := range es {
		if !seenV[e.Volunteer] {
			seenV[e.Volunteer] = true
			vids = append(vids, e.Volunteer)
		}
		for _, code := range []string{e.Village, area.AncestorAt(e.Village, area.County)} {
			if !seenC[code] {
				seenC[code] = true
				codes = append(codes, code)
			}
		}
	}
	vols := map[string]registry.Volunteer{}
	if len(vids) > 0 {
		vs, err := s.Store.VolunteersByID(ctx, vids)
		if err != nil {
			return 0, fmt.Errorf("record.Export: %w", err)
		}
		for _, v := range vs {
			vols[v.ID] = v
		}
	}
	names, err := s.regionNames(ctx, codes)
	if err != nil {
		return 0, err
	}
	b := xlsx.New()
	title := fmt.Sprintf("志愿服务记录 %s %s 至 %s", names[c], in.From, in.To)
	sh, err := b.Sheet("志愿服务记录", title, ExportHeader, 6, 26, 10, 12, 20, 14, 16, 12, 16, 36, 12, 10, 10, 24)
	if err != nil {
		return 0, fmt.Errorf("record.Export: %w", err)
	}
	for i, e := range es {
		v := vols[e.Volunteer]
		l := LineOf(e, names)
		if err := sh.Row(i+1, ledger.VolunteerNo(e.Volunteer), v.Name, IDType, pii.MaskID(v.IDNumber), names[area.AncestorAt(e.Village, area.County)], l.Place,
			l.Date, l.Place, l.Content, l.Hours, l.KindName, l.RecordedBy, l.Reason); err != nil {
			return 0, fmt.Errorf("record.Export: %w", err)
		}
	}
	if _, err := b.WriteTo(w); err != nil {
		return 0, fmt.Errorf("record.Export: %w", err)
	}
	return len(es), nil
}
