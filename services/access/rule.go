package access

import (
	"slices"

	"jinhui/shared/apperr"
	"jinhui/shared/area"
)

// Rule says which callers may use an operation: which kinds of principal,
// and for staff which roles at which levels of the region tree. It is the
// one definition of a role set: the HTTP route table checks it before a
// handler runs (and documents Text in OpenAPI as x-roles), and the
// services check the same value for their other entry points. Which
// records a caller reaches (their region subtree, their own elders, their
// own logs) is not part of a rule: the services check that per record.
type Rule struct {
	// Text says who may call, in Chinese, as the API documents it.
	Text string

	open      bool         // no login needed
	staff     bool         // organizers' accounts may call ...
	roles     []string     // ... with one of these roles (nil: any role)
	levels    []area.Level // ... at one of these levels (nil: any level)
	volunteer bool         // volunteers may call
	carer     bool         // carers may call
	top       bool         // only the admin of the deployment's top region
	refusal   string       // the message of a refusal
}

var (
	writerRoles = []string{RoleOrganizer, RoleAdmin}
	adminRoles  = []string{RoleAdmin}
)

// The rules of the route table, each defined once.
var (
	// Public needs no login.
	Public = Rule{Text: "公开", open: true}
	// TwilioCallback needs no login: Twilio's signature is checked instead.
	TwilioCallback = Rule{Text: "Twilio (请求签名校验)", open: true}

	// AnyUser is anyone logged in.
	AnyUser = Rule{Text: "任何已登录用户", staff: true, volunteer: true, carer: true, refusal: "请先登录"}
	// Staff is an organizer's account of any role (organizer, supervisor,
	// admin) over its region subtree.
	Staff = Rule{Text: "组织者/督导员/管理员 (本辖区)", staff: true, refusal: "仅限组织者使用"}
	// Writer may change registers: organizers and admins; supervisors only
	// read and check.
	Writer = Rule{Text: "组织者/管理员 (本辖区)", staff: true, roles: writerRoles, refusal: "当前角色无修改权限"}
	// Admin is an admin of the region subtree.
	Admin = Rule{Text: "管理员 (本辖区)", staff: true, roles: adminRoles, refusal: "仅限管理员使用"}
	// TopAdmin is the admin of the deployment's top region (the province,
	// or the county of a county's own deployment). Check sees the role
	// only; whether the region is the top one is known to the region
	// store, which the caller asks (see Top).
	TopAdmin = Rule{Text: "最高一级管理员", staff: true, roles: adminRoles, top: true, refusal: "仅限最高一级管理员使用"}

	// CityUp is an organizer or admin of a city or the province.
	CityUp = Rule{Text: "市、省级组织者/管理员", staff: true, roles: writerRoles, levels: []area.Level{area.Province, area.City},
		refusal: "仅限市级及以上组织者办理"}
	// CountyUp is an organizer or admin of a county or above.
	CountyUp = Rule{Text: "县级及以上组织者/管理员 (本辖区)", staff: true, roles: writerRoles, levels: []area.Level{area.Province, area.City, area.County},
		refusal: "仅限县级及以上组织者办理"}
	// TownshipUp is an organizer or admin of a township or above.
	TownshipUp = Rule{Text: "乡镇及以上组织者/管理员 (本辖区)", staff: true, roles: writerRoles,
		levels: []area.Level{area.Province, area.City, area.County, area.Township}, refusal: "老人由乡镇及以上组织者摸排上报或导入, 村级只做确认"}
	// CountyWriter is an organizer or admin of a county.
	CountyWriter = Rule{Text: "县级组织者/管理员", staff: true, roles: writerRoles, levels: []area.Level{area.County},
		refusal: "此步骤须由县级组织者办理"}
	// VillageOrCounty is an organizer or admin of a village, or of the
	// county acting for a village without an account.
	VillageOrCounty = Rule{Text: "村级组织者/管理员; 县级组织者/管理员 (代村确认, 须填原因)", staff: true, roles: writerRoles,
		levels: []area.Level{area.County, area.Village}, refusal: "此步骤须由村级组织者办理"}

	// Volunteer is a volunteer, for their own records.
	Volunteer = Rule{Text: "志愿者 (本人)", volunteer: true, refusal: "仅限志愿者使用"}
	// Carer is a neighbour carer, for their own records.
	Carer = Rule{Text: "护理员 (本人)", carer: true, refusal: "仅限护理员使用"}
	// VolunteerOrCarer is a volunteer or a carer, for their own records.
	VolunteerOrCarer = Rule{Text: "志愿者/护理员 (本人)", volunteer: true, carer: true, refusal: "仅限志愿者和护理员使用"}
	// StaffOrVolunteer is staff over their subtree, or a volunteer for
	// their own records (their pairs, visits, elders, posts).
	StaffOrVolunteer = Rule{Text: "组织者/督导员/管理员 (本辖区); 志愿者 (仅本人的及本人结对的老人)", staff: true, volunteer: true,
		refusal: "仅限组织者和志愿者使用"}
	// StaffOrCarer is staff over their subtree, or a carer for their own
	// records.
	StaffOrCarer = Rule{Text: "组织者/督导员/管理员 (本辖区); 护理员 (仅本人)", staff: true, carer: true, refusal: "仅限组织者和护理员使用"}
	// WriterOrVolunteer is an organizer or admin over their subtree, or a
	// volunteer for their own records.
	WriterOrVolunteer = Rule{Text: "组织者/管理员 (本辖区); 志愿者 (仅本人的及本人结对的老人)", staff: true, roles: writerRoles, volunteer: true,
		refusal: "仅限组织者和志愿者使用"}
)

// Open reports whether the rule needs no login.
func (r Rule) Open() bool { return r.open }

// Top reports whether the rule also needs the caller's region to be the
// top of the deployment, which the region store answers.
func (r Rule) Top() bool { return r.top }

// Allows reports whether p may call (the top region aside, see Top).
func (r Rule) Allows(p Principal) bool {
	switch {
	case r.open:
		return true
	case p.Kind == KindOrganizer:
		return r.staff && (r.roles == nil || slices.Contains(r.roles, p.Role)) &&
			(r.levels == nil || slices.Contains(r.levels, area.Level(p.Level)))
	case p.Kind == KindVolunteer:
		return r.volunteer
	case p.Kind == KindCarer:
		return r.carer
	}
	return false
}

// Check returns nil when p may call; Unauthorized without a caller,
// Forbidden (in Chinese) for a caller the rule refuses.
func (r Rule) Check(p Principal) error {
	if r.Allows(p) {
		return nil
	}
	if p.Kind == "" {
		return apperr.New(apperr.Unauthorized, "请先登录")
	}
	if p.Kind == KindOrganizer && r.staff && r.levels != nil && !slices.Contains(r.roles, p.Role) {
		return apperr.New(apperr.Forbidden, Writer.refusal) // the role, not the level, is wrong
	}
	return apperr.New(apperr.Forbidden, r.refusal)
}
