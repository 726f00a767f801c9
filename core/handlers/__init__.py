"""Which function handles which command and event, for the core's own messages."""

from __future__ import annotations

from collections.abc import Sequence

from core import commands as c
from core import events as e
from core import skill_checks
from core.bus import Handler
from core.family import calendar as family_calendar
from core.family import households, notes
from core.handlers import (
    availability,
    businesses,
    communities,
    delivery,
    dialogs,
    languages,
    learning,
    members,
    moderation,
    offers,
    privacy,
    records,
    spares,
    trust,
    work,
)
from core.lms import connecting as lms_connecting
from core.lms import linking as lms_linking
from core.projects import posting as project_posting
from core.projects import progress as project_progress

COMMAND_HANDLERS: dict[type[c.Command], Handler] = {
    c.RegisterAccount: members.register_account,
    c.SetUpCommunity: communities.set_up_community,
    c.SetCommunityChat: communities.set_community_chat,
    c.ChangeCommunitySetting: communities.change_community_setting,
    c.LeaveCommunity: communities.leave_community,
    c.AddSkill: members.add_skill,
    c.SetReachable: members.set_reachable,
    c.StartLink: members.start_link,
    c.CompleteLink: members.complete_link,
    c.SetSkills: members.set_skills,
    c.UpdateProfile: members.update_profile,
    c.ChooseLanguage: languages.choose_language,
    c.RegisterBusiness: businesses.register_business,
    c.VerifyBusiness: businesses.verify_business,
    c.RejectBusiness: businesses.reject_business,
    c.GoAvailable: availability.go_available,
    c.GoUnavailable: availability.go_unavailable,
    c.AddWeeklyWindow: availability.add_weekly_window,
    c.ClearSchedule: availability.clear_schedule,
    c.PostWork: work.post_work,
    c.CheckPostField: work.check_post_field,
    c.WidenWork: work.widen_work,
    c.StartPostDialog: dialogs.start_post_dialog,
    c.StartDialog: dialogs.start_dialog,
    c.AnswerDialog: dialogs.answer_dialog,
    c.StopDialog: dialogs.stop_dialog,
    c.ApprovePost: work.approve_post,
    c.RejectPost: work.reject_post,
    c.CancelWork: work.cancel_work,
    c.PostProject: project_posting.post_project,
    c.CheckProjectField: project_posting.check_project_field,
    c.CancelProject: project_progress.cancel_project,
    c.ReofferProject: project_progress.reoffer_project,
    c.RouteWork: offers.route_work,
    c.AskSpare: spares.ask_spare,
    c.AcceptOffer: offers.accept_offer,
    c.DeclineOffer: offers.decline_offer,
    c.ExpireOffer: offers.expire_offer,
    c.MoveOffersOn: offers.move_offers_on,
    c.SubmitDelivery: delivery.submit_delivery,
    c.ApproveDelivery: delivery.approve_delivery,
    c.RequestChanges: delivery.request_changes,
    c.OpenDispute: delivery.open_dispute,
    c.RateWork: delivery.rate_work,
    c.BanMember: moderation.ban_member,
    c.UnbanMember: moderation.unban_member,
    c.BlockOtherSide: trust.block_other_side,
    c.ReportMessage: trust.report_message,
    c.AskCommunity: trust.ask_community,
    c.EndWebSessions: members.end_web_sessions,
    c.ExportMyData: privacy.export_my_data,
    c.ForgetMe: privacy.forget_me,
    c.StartQuiz: skill_checks.start_quiz,
    c.AnswerQuiz: skill_checks.answer_quiz,
    c.ShareRecord: records.share_record,
    c.StopSharingRecord: records.stop_sharing_record,
    c.ShowEarningsOnRecord: records.show_earnings_on_record,
    c.NameBusinessInRecords: records.name_business_in_records,
    c.ConnectLearningSite: lms_connecting.connect_learning_site,
    c.GiveLearningToken: lms_connecting.give_learning_token,
    c.DisconnectLearningSite: lms_connecting.disconnect_learning_site,
    c.MapCourse: lms_connecting.map_course,
    c.UnmapCourse: lms_connecting.unmap_course,
    c.LinkLearningAccount: lms_linking.link_learning_account,
    c.ConfirmLearningCode: lms_linking.confirm_learning_code,
    c.InviteToHousehold: households.invite_to_household,
    c.AnswerHouseholdInvite: households.answer_household_invite,
    c.LeaveHousehold: households.leave_household,
    c.ChooseForHousehold: households.choose_for_household,
    c.SetWeekNote: notes.set_week_note,
    c.ResetCalendar: family_calendar.reset_calendar,
}

EVENT_HANDLERS: dict[type[e.Event], Sequence[Handler]] = {
    e.WorkFunded: [offers.route_after],
    e.OfferDeclined: [offers.route_after],
    e.OfferExpired: [offers.route_after],
    e.MemberAvailable: [offers.route_waiting_items],
    e.DeliverySubmitted: [offers.route_after_delivery],
    e.WorkRated: [learning.learn_rater_offset],
    e.RatingsShown: [records.milestones_after],
    e.DeliveryApproved: [records.milestones_after],
}
