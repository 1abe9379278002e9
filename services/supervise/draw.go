package supervise

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"strings"
	"time"

	"jinhui/services/access"
	"jinhui/shared/apperr"
	"jinhui/shared/clock"
	"jinhui/shared/page"
	"jinhui/shared/valid"
)

// MaxSeed keeps seeds exact in JSON numbers.
const MaxSeed = 1<<53 - 1

// DrawInput asks for a check sample of a region's month.
type DrawInput struct {
	Region     string `json:"region" validate:"required,max=12"`
	Month      string `json:"month" validate:"required,datetime=2006-01"`
	Mode       string `json:"mode,omitempty" validate:"omitempty,oneof=fujin risk"`
	Seed       *int64 `json:"seed,omitempty" validate:"omitempty,min=0,max=9007199254740991"`
	Villages   int    `json:"villages,omitempty" validate:"min=0,max=50"`
	PerVillage int    `json:"perVillage,omitempty" validate:"min=0,max=100"`
	Size       int    `json:"size,omitempty" validate:"min=0,max=500"`
	Method     string `json:"method,omitempty" validate:"omitempty,oneof=phone visit"`
	Reason     string `json:"reason,omitempty" validate:"max=300"`
}

// NewDraw draws a check sample (rules Q1, Q2) and makes a check task of
// each pick, assigned to the caller. The seed is recorded (given, or drawn
// from crypto/rand). A region's month is drawn once: a further draw needs
// a reason and is recorded as draw n+1 beside the first, never over it.
func (s *Service) NewDraw(ctx context.Context, p access.Principal, in DrawInput) (Draw, error) {
	if err := valid.Struct(in); err != nil {
		return Draw{}, err
	}
	region, err := scope(p, in.Region)
	if err != nil {
		return Draw{}, err
	}
	if _, err := time.ParseInLocation("2006-01", in.Month, clock.Shanghai); err != nil {
		return Draw{}, apperr.Field("month", "月份格式应为 YYYY-MM")
	}
	reg, err := s.Store.Region(ctx, region)
	if err != nil {
		return Draw{}, fmt.Errorf("supervise.NewDraw: %w", err)
	}
	prior, _, err := s.Store.CheckDraws(ctx, region, in.Month, page.Order{}, 0, 500)
	if err != nil {
		return Draw{}, fmt.Errorf("supervise.NewDraw: %w", err)
	}
	before := 0
	for _, d := range prior {
		if d.Region == region {
			before = max(before, d.N)
		}
	}
	if before > 0 && strings.TrimSpace(in.Reason) == "" {
		return Draw{}, apperr.Errorf(apperr.Conflict, "本月该区划已抽取过 %d 次样本, 不能重新抽取; 如确需再抽, 请填写理由(将与原样本一并留存)", before)
	}
	d := Draw{ID: fmt.Sprintf("%s:%s:%d", region, in.Month, before+1), Region: region, RegionName: reg.Name, Areas: reg.Areas,
		Month: in.Month, N: before + 1, Mode: in.Mode, Reason: strings.TrimSpace(in.Reason), Notes: []string{}, By: p.ID, ByName: p.Name, At: s.Now()}
	if d.Mode == "" {
		d.Mode = ModeFujin
	}
	if in.Seed != nil {
		d.Seed = *in.Seed
	} else {
		var b [8]byte
		_, _ = rand.Read(b[:])
		d.Seed = int64(binary.BigEndian.Uint64(b[:]) & MaxSeed)
	}
	var picks []Pick
	switch d.Mode {
	case ModeFujin:
		hs, err := s.Store.SupHouseholds(ctx, region, in.Month)
		if err != nil {
			return Draw{}, fmt.Errorf("supervise.NewDraw: %w", err)
		}
		rule := FujinRule{Villages: in.Villages, PerVillage: in.PerVillage}.norm()
		d.Villages, d.PerVillage, d.Population = rule.Villages, rule.PerVillage, len(hs)
		picks, d.Notes = Fujin(hs, d.Seed, rule)
	case ModeRisk:
		vs, err := s.risks(ctx, region, in.Month)
		if err != nil {
			return Draw{}, err
		}
		size := in.Size
		if size == 0 {
			size = 10
		}
		d.Population = len(vs)
		picks = Risky(vs, d.Seed, size)
	}
	if len(picks) == 0 {
		d.Notes = append(d.Notes, "没有可抽查的对象")
	}
	method := in.Method
	if method == "" {
		method = MethodPhone
	}
	tasks := make([]Task, len(picks))
	for i, pk := range picks {
		t := Task{ID: fmt.Sprintf("%s:%03d", d.ID, i+1), Draw: d.ID, Month: d.Month, Mode: d.Mode, Elder: pk.Elder, ElderName: pk.ElderName,
			Village: pk.Village, Areas: pk.Areas, Poor: pk.Poor, KeyVillage: pk.Key, Visit: pk.Visit, Volunteer: pk.Volunteer,
			VolunteerName: pk.VolunteerName, Reasons: pk.Reasons, Method: method, Assignee: p.ID, AssigneeName: p.Name,
			Status: TaskOpen, History: []Outcome{}, Version: 1, CreatedAt: d.At, UpdatedAt: d.At}
		t.Script = Script(t)
		tasks[i] = t
		d.Tasks = append(d.Tasks, t.ID)
	}
	d.Size = len(tasks)
	if d.Tasks == nil {
		d.Tasks = []string{}
	}
	if err := s.Store.InsertCheckDraw(ctx, d); err != nil {
		if apperr.Is(err, apperr.Conflict) {
			return Draw{}, apperr.New(apperr.Conflict, "他人刚刚抽取了该区划本月的样本, 请刷新后查看")
		}
		return Draw{}, fmt.Errorf("supervise.NewDraw: %w", err)
	}
	// The draw is claimed first, so two racing draws never mix their tasks.
	if err := s.Store.InsertCheckTasks(ctx, tasks); err != nil {
		return d, fmt.Errorf("supervise.NewDraw: %w", err)
	}
	return d, nil
}

// risks returns the month's completed visits in region with their risk signs.
func (s *Service) risks(ctx context.Context, region, month string) ([]VisitRisk, error) {
	vs, err := s.Store.SupDoneVisits(ctx, region, month)
	if err != nil {
		return nil, fmt.Errorf("supervise.risks: %w", err)
	}
	checked, err := s.Store.CheckedVolunteers(ctx)
	if err != nil {
		return nil, fmt.Errorf("supervise.risks: %w", err)
	}
	late, total := map[string]int{}, map[string]int{}
	isLate := func(i int) bool {
		v := vs[i]
		return (v.CheckIn != nil && v.CheckIn.Late) || (v.CheckOut != nil && v.CheckOut.Late)
	}
	for i, v := range vs {
		total[v.Volunteer]++
		if isLate(i) {
			late[v.Volunteer]++
		}
	}
	out := make([]VisitRisk, len(vs))
	for i, v := range vs {
		out[i] = VisitRisk{Household: Household{Elder: v.Elder, ElderName: v.ElderName, Village: v.Village, Areas: v.Areas, Poor: true,
			Visit: v.ID, Volunteer: v.Volunteer, VolunteerName: v.VolunteerName},
			Minutes: v.Minutes, Far: v.CheckIn != nil && v.CheckIn.Far, Late: isLate(i),
			ManyLate: late[v.Volunteer] >= 2 && 2*late[v.Volunteer] >= total[v.Volunteer], NeverChecked: !checked[v.Volunteer],
			CardConfirmed: v.Card != nil && v.Card.Confirmed, CardFlagged: v.Card != nil && v.Card.Flagged}
	}
	return out, nil
}

// Script is what the checker says or checks, in Chinese (rule Q1).
func Script(t Task) string {
	vol := t.VolunteerName
	if vol == "" {
		vol = "结对志愿者"
	}
	if t.Method == MethodVisit {
		return fmt.Sprintf("不打招呼入户核查%s老人: 1. 老人是否认识志愿者%s, 最近一次来是哪天; 2. 来时做了什么(拉家常、整理家务、个人卫生、维修家电、送过冬用品); "+
			"3. 查看家中卫生与过冬用品; 4. 老人还有什么困难和需求。如实记录, 不得提前告知村里和志愿者。", t.ElderName, vol)
	}
	return fmt.Sprintf("您好, 我是金晖助老项目的督导员, 想跟您核实一下: 本月志愿者%s来看望过%s老人吗? 大约是哪天? 来了多长时间, 做了哪些事"+
		"(拉家常、整理家务、个人卫生、维修家电、送过冬用品)? 您对服务满意吗? 老人还有什么困难? 谢谢您。", vol, t.ElderName)
}

// GetDraw returns a draw in p's subtree.
func (s *Service) GetDraw(ctx context.Context, p access.Principal, id string) (Draw, error) {
	if err := p.RequireOrganizer(); err != nil {
		return Draw{}, err
	}
	d, err := s.Store.CheckDraw(ctx, id)
	if err != nil {
		return Draw{}, err
	}
	return d, p.RequireArea(d.Areas, "抽查样本")
}

// DrawSorts are the columns the draw list sorts on, on the server (each
// served by an index on the subtree, the column and _id).
var DrawSorts = []string{"month", "size"}

// ListDraws lists the draws of a region (default: the caller's) and month.
func (s *Service) ListDraws(ctx context.Context, p access.Principal, region, month string, ord page.Order, offset, limit int) ([]Draw, int, error) {
	c, err := scope(p, region)
	if err != nil {
		return nil, 0, err
	}
	return s.Store.CheckDraws(ctx, c, month, ord, offset, limit)
}
