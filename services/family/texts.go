package family

import (
	"context"
	"fmt"
	"strings"
	"time"

	"jinhui/services/visit"
	"jinhui/shared/clock"
)

// VisitText is what a consenting family member is told after a visit: who
// came, on which day, what was done; the elder's condition and the notes
// only when the consent covers health.
func VisitText(m Member, v visit.Visit) string {
	day := v.Date
	if v.CheckIn != nil {
		day = v.CheckIn.At.In(clock.Shanghai).Format(time.DateOnly)
	}
	if t, err := time.Parse(time.DateOnly, day); err == nil {
		day = fmt.Sprintf("%d月%d日", t.Month(), t.Day())
	}
	var done []string
	for _, it := range v.Checklist {
		if it.Done {
			done = append(done, it.Name)
		}
	}
	b := strings.Builder{}
	b.WriteString("【金晖助老】" + m.Relation + "您好: 志愿者" + v.VolunteerName + "于" + day + "探访了" + v.ElderName)
	if len(done) > 0 {
		b.WriteString(", 完成" + strings.Join(done, "、"))
	}
	b.WriteString("。")
	if m.Scope == ScopeHealth {
		if v.Condition != "" {
			b.WriteString("老人状况: " + v.Condition + "。")
		}
		if n := []rune(strings.TrimSpace(v.Notes)); len(n) > 0 {
			if len(n) > 60 {
				n = append(n[:60], '…')
			}
			b.WriteString("志愿者记录: " + string(n) + "。")
		}
	}
	b.WriteString("回复1确认来过, 回复2没有来, 回复其他内容可反映问题, 回复退订不再接收。")
	return b.String()
}

// AfterVisit texts the elder's consenting family members about a completed
// visit and lets a 1/2 reply from their phone confirm it. Idempotent: each
// text is keyed by visit and member. It runs as a visit-done hook.
func (s *Service) AfterVisit(ctx context.Context, v visit.Visit) error {
	ms, err := s.Store.FamilyMembers(ctx, []string{v.Elder})
	if err != nil {
		return fmt.Errorf("family.AfterVisit: %w", err)
	}
	for _, m := range ms {
		if !m.Active() {
			continue // never a text without recorded consent
		}
		if err := s.Problems.ListenFor(ctx, v, m.Phone); err != nil {
			return fmt.Errorf("family.AfterVisit: %w", err)
		}
		if err := s.SMS.Send(ctx, "family-visit:"+v.ID+":"+m.ID, m.Phone, "family", VisitText(m, v)); err != nil {
			return fmt.Errorf("family.AfterVisit: %w", err)
		}
	}
	return nil
}

// SummaryBatch is how many members one summary step reads.
const SummaryBatch = 500

// MonthlySummaries texts every consenting family member a summary of month
// (YYYY-MM): visits and hours of their elder, and the concerns they raised
// that month. Keyed by member and month, so running it twice sends once.
// It returns how many texts it asked to send.
func (s *Service) MonthlySummaries(ctx context.Context, month string) (int, error) {
	if _, err := time.Parse("2006-01", month); err != nil {
		return 0, fmt.Errorf("family.MonthlySummaries: month %q", month)
	}
	sent, after := 0, ""
	for {
		ms, err := s.Store.ConsentedFamily(ctx, after, SummaryBatch)
		if err != nil {
			return sent, fmt.Errorf("family.MonthlySummaries: %w", err)
		}
		if len(ms) == 0 {
			return sent, nil
		}
		after = ms[len(ms)-1].ID
		var elders []string
		for _, m := range ms {
			elders = append(elders, m.Elder)
		}
		vs, err := s.Store.DoneVisitsOf(ctx, elders, month)
		if err != nil {
			return sent, fmt.Errorf("family.MonthlySummaries: %w", err)
		}
		n, minutes := map[string]int{}, map[string]int{}
		for _, v := range vs {
			n[v.Elder]++
			minutes[v.Elder] += v.Minutes
		}
		for _, m := range ms {
			body := SummaryText(m, month, n[m.Elder], minutes[m.Elder])
			if err := s.SMS.Send(ctx, "family-month:"+m.ID+":"+month, m.Phone, "family", body); err != nil {
				return sent, fmt.Errorf("family.MonthlySummaries: %w", err)
			}
			sent++
		}
	}
}

// SummaryText is a month's summary for a family member.
func SummaryText(m Member, month string, visits, minutes int) string {
	t, _ := time.Parse("2006-01", month)
	hours := fmt.Sprintf("%.1f", float64(minutes)/60)
	if visits == 0 {
		return fmt.Sprintf("【金晖助老】%s您好: %d月志愿者尚未探访%s, 我们已提醒当地组织者。如有问题请直接回复。回复退订不再接收。", m.Relation, t.Month(), m.ElderName)
	}
	return fmt.Sprintf("【金晖助老】%s您好: %d月志愿者探访%s %d 次, 服务 %s 小时。如有问题请直接回复。回复退订不再接收。", m.Relation, t.Month(), m.ElderName, visits, hours)
}
