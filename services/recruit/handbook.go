package recruit

import (
	"context"
	"fmt"

	"jinhui/services/access"
	"jinhui/shared/apperr"
)

// Handbook is the volunteer handbook (志愿者手册, rule V5, 滨州 无棣).
type Handbook struct {
	Version  string   `json:"version"`
	Title    string   `json:"title"`
	Sections []string `json:"sections"`
}

// CurrentHandbook is the handbook volunteers acknowledge. A new version
// asks every volunteer to acknowledge again.
var CurrentHandbook = Handbook{
	Version: "2026-11-v1",
	Title:   "金晖助老志愿者手册",
	Sections: []string{
		"一、服务宗旨: 以“结对 + 接力”方式, 两名志愿者结对帮扶一位老人, 志愿者离开时由接力志愿者接续服务, 不让一位老人掉队。",
		"二、探访要求: 每月探访结对老人 1 至 2 次, 做到“五个一”: 拉一次家常、整理一次家务、清理一次个人卫生、维修一次家电、送一件过冬用品; 各县另有自选动作。",
		"三、服务记录: 每次探访后如实登记时间、时长和服务内容; 服务时长记录是志愿者的证明和激励。",
		"四、安全与边界: 不向老人收取任何财物, 不代管钱款和证件; 遇老人身体不适立即联系家属、村医或拨打 120, 并报告组织者。",
		"五、隐私保护: 老人和志愿者的个人信息只用于服务, 不拍摄、不外传老人隐私, 不在社交媒体公开老人的住址和病情。",
		"六、请假与退出: 不能按计划探访时提前告知组织者, 以便安排接力; 退出服务须提前说明, 完成交接。",
	},
}

// AckHandbook records that the logged-in volunteer has read the handbook
// of version (which must be the current one) and stamps their record.
// Acknowledging again changes nothing.
func (s *Service) AckHandbook(ctx context.Context, p access.Principal, version string) (TrainingState, error) {
	if err := access.Volunteer.Check(p); err != nil {
		return TrainingState{}, err
	}
	if version != CurrentHandbook.Version {
		return TrainingState{}, apperr.Field("version", "手册已更新, 请刷新后重新阅读")
	}
	v, err := s.Store.Volunteer(ctx, p.ID)
	if err != nil {
		return TrainingState{}, err
	}
	now := s.Now()
	err = s.Store.InsertHandbookAck(ctx, HandbookAck{ID: v.ID + "|" + version, VolunteerID: v.ID, Version: version, At: now})
	if err != nil && !apperr.Is(err, apperr.Conflict) {
		return TrainingState{}, fmt.Errorf("recruit.AckHandbook: %w", err)
	}
	if err == nil || v.HandbookAckAt == nil {
		v.HandbookAckAt, v.UpdatedAt = &now, now
		if err := s.Store.ReplaceVolunteer(ctx, &v); err != nil {
			return TrainingState{}, fmt.Errorf("recruit.AckHandbook: %w", err)
		}
	}
	return s.Training(ctx, p, v.ID)
}
