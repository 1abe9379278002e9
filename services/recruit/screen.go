package recruit

import (
	"context"
	"fmt"
	"slices"

	"jinhui/services/access"
	"jinhui/services/audit"
	"jinhui/services/registry"
	"jinhui/shared/apperr"
	"jinhui/shared/area"
	"jinhui/shared/clock"
	"jinhui/shared/valid"
)

// ReviewInput is one screening step (rule V2): scores and a note, and a
// decision unless Decision is empty (scores only).
type ReviewInput struct {
	Version  int     `json:"version" validate:"required"`
	Scores   *Scores `json:"scores,omitempty"`
	Note     string  `json:"note,omitempty" validate:"max=1000"`
	Decision string  `json:"decision,omitempty" validate:"omitempty,oneof=accept reject waitlist"`
}

var decisionStatus = map[string]string{"accept": StatusAccepted, "reject": StatusRejected, "waitlist": StatusWaitlisted}

// applicationFor returns an application inside p's subtree.
func (s *Service) applicationFor(ctx context.Context, p access.Principal, id string) (Application, error) {
	if err := p.RequireOrganizer(); err != nil {
		return Application{}, err
	}
	a, err := s.Store.Application(ctx, id)
	if err != nil {
		return Application{}, err
	}
	if !p.Sees(a.Areas) {
		return Application{}, apperr.NotFoundf("报名记录不存在")
	}
	return a, nil
}

// Application returns one application, masked.
func (s *Service) Application(ctx context.Context, p access.Principal, id string) (Application, error) {
	a, err := s.applicationFor(ctx, p, id)
	return a.Masked(), err
}

// ListApplications is the screening queue: applications in p's subtree
// (f.Area narrows it), optionally of one call, kind and statuses, masked.
func (s *Service) ListApplications(ctx context.Context, p access.Principal, f AppFilter) (registry.Page[Application], error) {
	if err := p.RequireOrganizer(); err != nil {
		return registry.Page[Application]{}, err
	}
	if err := narrow(p, &f.Area); err != nil {
		return registry.Page[Application]{}, err
	}
	if f.Kind != "" && Kinds[f.Kind] == "" {
		return registry.Page[Application]{}, apperr.Field("kind", "志愿者类别无效")
	}
	for _, st := range f.Status {
		if StatusName[st] == "" {
			return registry.Page[Application]{}, apperr.Field("status", "状态应为 pending、waitlisted、accepted 或 rejected")
		}
	}
	f.Phone = ""
	items, n, err := s.Store.Applications(ctx, f)
	if err != nil {
		return registry.Page[Application]{}, fmt.Errorf("recruit.ListApplications: %w", err)
	}
	for i := range items {
		items[i] = items[i].Masked()
	}
	return registry.Page[Application]{Items: items, Total: n}, nil
}

// narrow sets an area filter to p's region, or checks that a given one
// lies inside it.
func narrow(p access.Principal, a *string) error {
	if *a == "" {
		*a = p.Region
		return nil
	}
	c, err := area.NormalizeCode(*a)
	if err != nil || !area.Within(c, p.Region) {
		return apperr.Field("area", "该区划不在您的管辖范围内")
	}
	*a = c
	return nil
}

// Review records a screening step by an organizer over the applicant's
// village. Deciding needs all four scores; rejecting needs a note.
// Pending and wait-listed applications may be decided; accepting claims a
// place in the quota of the applicant's area (Conflict when full) and
// creates or reactivates the volunteer record. Accepting an accepted
// application whose volunteer record is missing (an earlier failure)
// finishes the job. The applicant is texted the outcome.
func (s *Service) Review(ctx context.Context, p access.Principal, id string, in ReviewInput) (Application, error) {
	if err := valid.Struct(in); err != nil {
		return Application{}, err
	}
	if err := p.RequireWriter(); err != nil {
		return Application{}, err
	}
	a, err := s.applicationFor(ctx, p, id)
	if err != nil {
		return Application{}, err
	}
	if a.Status == StatusAccepted && a.VolunteerID == "" && in.Decision == "accept" {
		if err := s.canEnlist(ctx, p, a); err != nil {
			return Application{}, err
		}
		return s.finishAccept(ctx, p, a)
	}
	if in.Version != a.Version {
		return Application{}, apperr.New(apperr.Conflict, "记录已被他人修改, 请刷新后重试")
	}
	if a.Status == StatusAccepted || a.Status == StatusRejected {
		return Application{}, apperr.Errorf(apperr.Conflict, "该报名已审核完毕(%s)", StatusName[a.Status])
	}
	if in.Scores != nil {
		if err := checkScores(*in.Scores); err != nil {
			return Application{}, err
		}
		sc := *in.Scores
		a.Scores = &sc
	}
	note := cleanText(in.Note)
	if in.Decision == "" && in.Scores == nil && note == "" {
		return Application{}, apperr.Field("decision", "请评分、填写备注或作出决定")
	}
	if in.Decision != "" && a.Scores == nil {
		return Application{}, apperr.Field("scores", "作出决定前须对四项标准评分")
	}
	if in.Decision == "reject" && note == "" {
		return Application{}, apperr.Field("note", "请填写不予录用的原因")
	}
	status := decisionStatus[in.Decision]
	if status == a.Status {
		return Application{}, apperr.Field("decision", "状态未变化")
	}
	c, err := s.Store.Call(ctx, a.CallID)
	if err != nil {
		return Application{}, fmt.Errorf("recruit.Review: %w", err)
	}
	scope := quotaScope(c.ID, a.QuotaArea)
	if status == StatusAccepted {
		if err := s.canEnlist(ctx, p, a); err != nil {
			return Application{}, err
		}
		if limit := quotaOf(c, a.QuotaArea); limit >= 0 {
			ok, err := s.Store.ClaimSlot(ctx, scope, limit, a.ID)
			if err != nil {
				return Application{}, fmt.Errorf("recruit.Review: %w", err)
			}
			if !ok {
				return Application{}, apperr.Errorf(apperr.Conflict, "该区域名额已满(%d 人), 可列入候补或请发布单位调整名额", limit)
			}
		}
	}
	now := s.Now()
	d := Decision{Status: status, Note: note, By: p.ID, ByName: p.Name, Region: p.Region, At: now}
	if in.Scores != nil {
		d.Scores = a.Scores
	}
	a.Decisions = append(a.Decisions, d)
	a.Screened, a.UpdatedAt = true, now
	if status != "" {
		a.Status = status
	}
	if err := s.Store.ReplaceApplication(ctx, &a); err != nil {
		if status == StatusAccepted {
			_ = s.Store.ReleaseSlot(context.WithoutCancel(ctx), scope, a.ID)
		}
		return Application{}, fmt.Errorf("recruit.Review: %w", err)
	}
	switch status {
	case StatusAccepted:
		return s.finishAccept(ctx, p, a)
	case StatusRejected:
		s.tell(ctx, a, fmt.Sprintf("【金晖助老】%s您好, 感谢您报名“%s”。经审核, 您本次未被录用, 欢迎继续关注和支持金晖助老行动。", a.Name, a.CallTitle))
	case StatusWaitlisted:
		s.tell(ctx, a, fmt.Sprintf("【金晖助老】%s您好, 您报名的“%s”已列入候补名单, 如有名额将短信通知您。", a.Name, a.CallTitle))
	}
	return a.Masked(), nil
}

func checkScores(sc Scores) error {
	for f, v := range map[string]int{"scores.time": sc.Time, "scores.care": sc.Care, "scores.experience": sc.Experience, "scores.standing": sc.Standing} {
		if v < 1 || v > 5 {
			return apperr.Field(f, "评分应为 1 到 5 分")
		}
	}
	return nil
}

func quotaScope(callID, a string) string { return "quota|" + callID + "|" + a }

// tell texts the applicant about their application's new status, once per
// status.
func (s *Service) tell(ctx context.Context, a Application, body string) {
	_ = s.SMS.Send(ctx, "apply-"+a.Status+":"+a.ID, a.Phone, "recruit", body)
}

// canEnlist refuses to accept an applicant whose phone already belongs
// to a volunteer outside p's subtree: that record is another area's to
// change (a transfer between areas is the registry's business).
func (s *Service) canEnlist(ctx context.Context, p access.Principal, a Application) error {
	v, err := s.Store.VolunteerByPhone(ctx, a.Phone)
	switch {
	case apperr.Is(err, apperr.NotFound):
		return nil
	case err != nil:
		return fmt.Errorf("recruit.Review: %w", err)
	case !p.Sees(v.Areas):
		return apperr.New(apperr.Conflict, "该手机号已登记为其他地区的志愿者, 请先联系该地区组织者办理转入")
	}
	return nil
}

// finishAccept creates the volunteer record of an accepted application, or
// reactivates the volunteer who already has the phone, links it, and
// texts the applicant.
func (s *Service) finishAccept(ctx context.Context, p access.Principal, a Application) (Application, error) {
	now := s.Now()
	v, err := s.Store.VolunteerByPhone(ctx, a.Phone)
	switch {
	case err == nil:
		if v.Status != registry.VolActive {
			v.History = append(v.History, registry.StatusChange{From: v.Status, To: registry.VolActive, Date: clock.Today(now),
				Reason: "重新报名录用: " + a.CallTitle, By: p.ID, ByName: p.Name, At: now})
			v.Status = registry.VolActive
		}
		v.ApplicationID, v.UpdatedAt = a.ID, now
		if v.SourceOrg == "" {
			v.SourceKind, v.SourceOrg = a.SourceKind, a.SourceOrg
		}
		for _, sk := range a.Skills {
			if !slices.Contains(v.Skills, sk) {
				v.Skills = append(v.Skills, sk)
			}
		}
		if err := s.Store.ReplaceVolunteer(ctx, &v); err != nil {
			return Application{}, fmt.Errorf("recruit.accept: %w", err)
		}
	case apperr.Is(err, apperr.NotFound):
		reg, err := s.Store.Region(ctx, a.Village)
		if err != nil {
			return Application{}, fmt.Errorf("recruit.accept: %w", err)
		}
		capacity := 1
		if a.HoursPerMonth >= 16 {
			capacity = 2
		}
		v = registry.Volunteer{ID: registry.NewID(), Name: a.Name, IDNumber: a.IDNumber, Phone: a.Phone, Type: a.Kind,
			Village: a.Village, Areas: area.AreasOf(a.Village), Lat: reg.Lat, Lon: reg.Lon, Skills: a.Skills, Capacity: capacity,
			SourceKind: a.SourceKind, SourceOrg: a.SourceOrg, Status: registry.VolActive, ApplicationID: a.ID,
			History: []registry.StatusChange{}, Version: 1, CreatedAt: now, UpdatedAt: now}
		if err := s.Store.InsertVolunteers(ctx, []registry.Volunteer{v}); err != nil {
			return Application{}, fmt.Errorf("recruit.accept: %w", err)
		}
	default:
		return Application{}, fmt.Errorf("recruit.accept: %w", err)
	}
	a.VolunteerID = v.ID
	if err := s.Store.ReplaceApplication(ctx, &a); err != nil {
		return Application{}, fmt.Errorf("recruit.accept: %w", err)
	}
	s.tell(ctx, a, fmt.Sprintf("【金晖助老】%s您好, 恭喜您通过“%s”审核, 成为金晖助老志愿者! 培训安排将另行短信通知, 可凭本手机号登录平台。", a.Name, a.CallTitle))
	return a.Masked(), nil
}

// RevealApplication returns an application's full ID number and phone to
// an organizer over it, and records the view in the audit log.
func (s *Service) RevealApplication(ctx context.Context, p access.Principal, id string) (map[string]any, error) {
	a, err := s.applicationFor(ctx, p, id)
	if err != nil {
		return nil, err
	}
	err = s.Audit.Record(ctx, audit.Entry{ID: registry.NewID(), At: s.Now(), ActorKind: p.Kind, ActorID: p.ID, ActorName: p.Name,
		Region: p.Region, Action: audit.ActionReveal, ObjectType: "application", ObjectID: a.ID, Areas: a.Areas,
		Fields: []string{"idNumber", "phone"}, RequestID: audit.RequestID(ctx)})
	if err != nil {
		return nil, fmt.Errorf("recruit.RevealApplication: %w", err)
	}
	return map[string]any{"idNumber": a.IDNumber, "phone": a.Phone}, nil
}
