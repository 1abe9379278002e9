package recruit

import (
	"context"
	"fmt"
	"strings"
	"time"

	"jinhui/services/access"
	"jinhui/services/notify"
	"jinhui/services/registry"
	"jinhui/shared/apperr"
	"jinhui/shared/area"
	"jinhui/shared/clock"
	"jinhui/shared/page"
	"jinhui/shared/valid"
)

// BatchInput is a training batch (rule V5).
type BatchInput struct {
	Date     string `json:"date" validate:"required,datetime=2006-01-02"`
	Place    string `json:"place" validate:"required,max=100"`
	Topic    string `json:"topic" validate:"required,max=100"`
	Trainer  string `json:"trainer" validate:"required,max=32"`
	Capacity int    `json:"capacity" validate:"min=1,max=1000"`
}

// VolunteersInput names volunteers for an invitation or an attendance list.
type VolunteersInput struct {
	VolunteerIDs []string `json:"volunteerIds" validate:"required,min=1,max=500,unique,dive,required,max=64"`
	Attended     *bool    `json:"attended,omitempty"`
}

// CreateBatch plans a training batch for p's region. Writers.
func (s *Service) CreateBatch(ctx context.Context, p access.Principal, in BatchInput) (Batch, error) {
	if err := valid.Struct(in); err != nil {
		return Batch{}, err
	}
	if err := p.RequireWriter(); err != nil {
		return Batch{}, err
	}
	b := Batch{ID: registry.NewID(), Region: p.Region, Areas: area.AreasOf(p.Region), Date: in.Date, Place: strings.TrimSpace(in.Place),
		Topic: strings.TrimSpace(in.Topic), Trainer: strings.TrimSpace(in.Trainer), Capacity: in.Capacity,
		CreatedBy: p.ID, CreatedAt: s.Now(), Version: 1}
	if b.Place == "" || b.Topic == "" || b.Trainer == "" {
		return Batch{}, apperr.Field("place", "地点、主题和培训人不能为空")
	}
	if err := s.Store.InsertBatch(ctx, b); err != nil {
		return Batch{}, fmt.Errorf("recruit.CreateBatch: %w", err)
	}
	return b, nil
}

// batchFor returns a batch of p's subtree.
func (s *Service) batchFor(ctx context.Context, p access.Principal, id string) (Batch, error) {
	if err := p.RequireOrganizer(); err != nil {
		return Batch{}, err
	}
	b, err := s.Store.Batch(ctx, id)
	if err != nil {
		return Batch{}, err
	}
	if !p.Sees(b.Areas) {
		return Batch{}, apperr.NotFoundf("培训批次不存在")
	}
	return b, nil
}

// BatchDetail is a batch with its invitations.
type BatchDetail struct {
	Batch
	Invites []Invite `json:"invites"`
}

// Batch returns a batch of p's subtree with its invitations.
func (s *Service) Batch(ctx context.Context, p access.Principal, id string) (BatchDetail, error) {
	b, err := s.batchFor(ctx, p, id)
	if err != nil {
		return BatchDetail{}, err
	}
	ins, err := s.Store.Invites(ctx, b.ID)
	if err != nil {
		return BatchDetail{}, fmt.Errorf("recruit.Batch: %w", err)
	}
	countInvites(&b, ins)
	return BatchDetail{Batch: b, Invites: ins}, nil
}

func countInvites(b *Batch, ins []Invite) {
	b.Invited, b.Attended = len(ins), 0
	for _, in := range ins {
		if in.Attended {
			b.Attended++
		}
	}
}

// ListBatches lists the batches of p's subtree, newest first.
func (s *Service) ListBatches(ctx context.Context, p access.Principal, ord page.Order, offset, limit int) (registry.Page[Batch], error) {
	if err := p.RequireOrganizer(); err != nil {
		return registry.Page[Batch]{}, err
	}
	bs, n, err := s.Store.Batches(ctx, p.Region, ord, offset, limit)
	if err != nil {
		return registry.Page[Batch]{}, fmt.Errorf("recruit.ListBatches: %w", err)
	}
	for i := range bs {
		ins, err := s.Store.Invites(ctx, bs[i].ID)
		if err != nil {
			return registry.Page[Batch]{}, fmt.Errorf("recruit.ListBatches: %w", err)
		}
		countInvites(&bs[i], ins)
	}
	return registry.Page[Batch]{Items: bs, Total: n}, nil
}

// Invite invites active volunteers of the batch's region to it, up to its
// capacity (a list that does not fit invites nobody), marks them "invited" unless already trained,
// and texts them the date and place. Inviting someone twice is harmless.
func (s *Service) Invite(ctx context.Context, p access.Principal, id string, in VolunteersInput) (BatchDetail, error) {
	if err := valid.Struct(in); err != nil {
		return BatchDetail{}, err
	}
	if err := p.RequireWriter(); err != nil {
		return BatchDetail{}, err
	}
	b, err := s.batchFor(ctx, p, id)
	if err != nil {
		return BatchDetail{}, err
	}
	// Everything in a fixed number of commands whatever the list's length
	// (issue 16): one read of the volunteers, one of the invitations, one
	// claim of the places, one insert of the invitations, one update of
	// the volunteers' training state and one batch of texts.
	found, err := s.Store.VolunteersByID(ctx, in.VolunteerIDs)
	if err != nil {
		return BatchDetail{}, fmt.Errorf("recruit.Invite: %w", err)
	}
	byID := make(map[string]registry.Volunteer, len(found))
	for _, v := range found {
		byID[v.ID] = v
	}
	vols := make([]registry.Volunteer, len(in.VolunteerIDs))
	for i, vid := range in.VolunteerIDs {
		v, ok := byID[vid]
		if !ok || !p.Sees(v.Areas) || !area.Within(v.Village, b.Region) {
			return BatchDetail{}, apperr.Field(fmt.Sprintf("volunteerIds[%d]", i), "志愿者不存在或不在本批次的区域内")
		}
		if v.Status != registry.VolActive {
			return BatchDetail{}, apperr.Field(fmt.Sprintf("volunteerIds[%d]", i), v.Name+"当前不在服务状态")
		}
		vols[i] = v
	}
	// V5: the batch's capacity is checked for the whole list before anyone
	// is invited; a list that does not fit invites nobody. The places are
	// claimed for all at once (the claim keeps two organizers inviting at
	// once within capacity).
	existing, err := s.Store.Invites(ctx, b.ID)
	if err != nil {
		return BatchDetail{}, fmt.Errorf("recruit.Invite: %w", err)
	}
	had := map[string]bool{}
	for _, inv := range existing {
		had[inv.VolunteerID] = true
	}
	fresh := 0
	ids := make([]string, 0, len(vols))
	for _, v := range vols {
		ids = append(ids, v.ID)
		if !had[v.ID] {
			had[v.ID] = true
			fresh++
		}
	}
	if left := b.Capacity - len(existing); fresh > left {
		return BatchDetail{}, apperr.Field("volunteerIds", fmt.Sprintf("本批次限 %d 人, 还剩 %d 个名额, 本次选了 %d 位新学员, 未邀请任何人; 请减少人数或另开批次", b.Capacity, max(left, 0), fresh))
	}
	ok, err := s.Store.ClaimSlots(ctx, "batch|"+b.ID, b.Capacity, ids)
	if err == nil && !ok {
		err = apperr.Errorf(apperr.Conflict, "本批次已满(%d 人), 未邀请任何人", b.Capacity)
	}
	if err != nil {
		return BatchDetail{}, fmt.Errorf("recruit.Invite: %w", err)
	}
	now := s.Now()
	invs := make([]Invite, 0, len(vols))
	texts := make([]notify.Text, 0, len(vols))
	seen := map[string]bool{}
	for _, v := range vols {
		if seen[v.ID] {
			continue
		}
		seen[v.ID] = true
		inv := Invite{ID: b.ID + "|" + v.ID, BatchID: b.ID, VolunteerID: v.ID, Name: v.Name, Areas: v.Areas, InvitedBy: p.ID, InvitedAt: now}
		invs = append(invs, inv)
		body := fmt.Sprintf("【金晖助老】%s您好, 请于 %s 到%s参加志愿者培训(%s, 主讲: %s)。", v.Name, b.Date, b.Place, b.Topic, b.Trainer)
		texts = append(texts, notify.Text{Key: "training:" + inv.ID, To: v.Phone, Kind: "recruit", Body: body})
	}
	if err := s.Store.InsertInvites(ctx, invs); err != nil {
		return BatchDetail{}, fmt.Errorf("recruit.Invite: %w", err)
	}
	if err := s.Store.MarkInvited(ctx, ids, TrainingInvited, now); err != nil {
		return BatchDetail{}, fmt.Errorf("recruit.Invite: %w", err)
	}
	if err := notify.SendAll(ctx, s.SMS, texts); err != nil {
		return BatchDetail{}, fmt.Errorf("recruit.Invite: %w", err)
	}
	return s.Batch(ctx, p, id)
}

// Attendance records who attended a batch (Attended false corrects a
// mistake). Only invited volunteers can be marked; attending makes the
// volunteer "attended" (trained). Writers, from the batch's date on.
func (s *Service) Attendance(ctx context.Context, p access.Principal, id string, in VolunteersInput) (BatchDetail, error) {
	if err := valid.Struct(in); err != nil {
		return BatchDetail{}, err
	}
	if err := p.RequireWriter(); err != nil {
		return BatchDetail{}, err
	}
	b, err := s.batchFor(ctx, p, id)
	if err != nil {
		return BatchDetail{}, err
	}
	if clock.Today(s.Now()) < b.Date {
		return BatchDetail{}, apperr.Field("date", "培训尚未开始, 不能登记出勤")
	}
	attended := in.Attended == nil || *in.Attended
	ins, err := s.Store.Invites(ctx, b.ID)
	if err != nil {
		return BatchDetail{}, fmt.Errorf("recruit.Attendance: %w", err)
	}
	byVol := map[string]Invite{}
	for _, inv := range ins {
		byVol[inv.VolunteerID] = inv
	}
	for i, vid := range in.VolunteerIDs {
		if _, ok := byVol[vid]; !ok {
			return BatchDetail{}, apperr.Field(fmt.Sprintf("volunteerIds[%d]", i), "该志愿者未受邀参加本批次培训")
		}
	}
	now := s.Now()
	for _, vid := range in.VolunteerIDs {
		inv := byVol[vid]
		inv.Attended, inv.MarkedBy, inv.MarkedAt = attended, p.ID, &now
		if err := s.Store.ReplaceInvite(ctx, inv); err != nil {
			return BatchDetail{}, fmt.Errorf("recruit.Attendance: %w", err)
		}
		v, err := s.Store.Volunteer(ctx, vid)
		if err != nil {
			return BatchDetail{}, fmt.Errorf("recruit.Attendance: %w", err)
		}
		want := TrainingInvited
		if attended {
			want = TrainingAttended
		} else if other, err := s.trainedElsewhere(ctx, vid, b.ID); err != nil {
			return BatchDetail{}, err
		} else if other {
			want = TrainingAttended
		}
		if v.Training != want {
			v.Training, v.UpdatedAt = want, now
			if err := s.Store.ReplaceVolunteer(ctx, &v); err != nil {
				return BatchDetail{}, fmt.Errorf("recruit.Attendance: %w", err)
			}
		}
	}
	return s.Batch(ctx, p, id)
}

func (s *Service) trainedElsewhere(ctx context.Context, vid, batchID string) (bool, error) {
	ins, err := s.Store.InvitesOf(ctx, vid)
	if err != nil {
		return false, fmt.Errorf("recruit.Attendance: %w", err)
	}
	for _, in := range ins {
		if in.BatchID != batchID && in.Attended {
			return true, nil
		}
	}
	return false, nil
}

// SetRequireTraining sets a county's rule that only trained volunteers may
// be paired (rule V5). Writers at the county or above.
func (s *Service) SetRequireTraining(ctx context.Context, p access.Principal, code string, require bool) (registry.Region, error) {
	if err := p.RequireWriter(); err != nil {
		return registry.Region{}, err
	}
	c, err := area.NormalizeCode(code)
	if err != nil || area.LevelOf(c) != area.County {
		return registry.Region{}, apperr.Field("code", "只能为县级区划设置")
	}
	if !area.Within(c, p.Region) {
		return registry.Region{}, apperr.New(apperr.Forbidden, "只能由本县或上级组织者设置")
	}
	if err := s.Store.SetRequireTraining(ctx, c, require); err != nil {
		return registry.Region{}, fmt.Errorf("recruit.SetRequireTraining: %w", err)
	}
	return s.Store.Region(ctx, c)
}

// EligibleForPairing applies rule V5 to a volunteer and the county they
// serve in: an active volunteer may be paired, and where the county
// requires training, only once trained. The reason explains a refusal.
func EligibleForPairing(v registry.Volunteer, county registry.Region) (bool, string) {
	if v.Status != registry.VolActive {
		return false, "志愿者不在服务状态"
	}
	if county.RequireTraining && v.Training != TrainingAttended {
		return false, county.Name + "要求志愿者参加培训后才能结对"
	}
	return true, ""
}

// TrainingState is a volunteer's training record and pairing eligibility.
type TrainingState struct {
	VolunteerID     string     `json:"volunteerId"`
	Training        string     `json:"training"`
	HandbookAckAt   *time.Time `json:"handbookAckAt"`
	RequireTraining bool       `json:"requireTraining"`
	Eligible        bool       `json:"eligible"`
	Reason          string     `json:"reason,omitempty"`
	Invites         []Invite   `json:"invites"`
}

// Training returns a volunteer's training state to organizers over them
// or to the volunteer themself.
func (s *Service) Training(ctx context.Context, p access.Principal, id string) (TrainingState, error) {
	v, err := s.Store.Volunteer(ctx, id)
	if err != nil {
		return TrainingState{}, err
	}
	if !p.Sees(v.Areas) && !(p.Kind == access.KindVolunteer && p.ID == v.ID) {
		return TrainingState{}, apperr.NotFoundf("志愿者不存在")
	}
	county, err := s.Store.Region(ctx, area.AncestorAt(v.Village, area.County))
	if err != nil {
		return TrainingState{}, fmt.Errorf("recruit.Training: %w", err)
	}
	ins, err := s.Store.InvitesOf(ctx, v.ID)
	if err != nil {
		return TrainingState{}, fmt.Errorf("recruit.Training: %w", err)
	}
	ok, why := EligibleForPairing(v, county)
	return TrainingState{VolunteerID: v.ID, Training: v.Training, HandbookAckAt: v.HandbookAckAt, RequireTraining: county.RequireTraining,
		Eligible: ok, Reason: why, Invites: ins}, nil
}
