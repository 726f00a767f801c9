"""Skill checks: moderators write them in YAML; parents take them with buttons; a pass is a
verified badge that routing's prior counts (routing/belief.py)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import yaml
from pydantic import BaseModel, Field, ValidationError, model_validator
from sqlalchemy import select

from core.commands import AnswerQuiz, StartQuiz
from core.communities import community_settings
from core.config import Settings
from core.credentials.awards import award_skill_check
from core.errors import DomainError, NotAllowed, StaleAction
from core.files import FileStore
from core.handlers.common import catalogue, local_time_text, member_of
from core.language import N_, _
from core.models import LearningCourse, MemberSkill, QuizAttempt
from core.notices import Action
from core.skills import LEVEL_NAMES, SkillCatalogue
from core.uow import UnitOfWork

DEFAULT_FILE = Path(__file__).with_name("skill_checks.yaml")
QUESTIONS_PER_ATTEMPT = 100  # a token carries attempt * 100 + question (core/tokens.py)


class Question(BaseModel):
    ask: str = Field(min_length=3, max_length=300)
    options: list[str] = Field(min_length=2, max_length=4)
    answer: int = Field(ge=1)

    @model_validator(mode="after")
    def _answer_is_an_option(self) -> Question:
        if self.answer > len(self.options):
            raise ValueError(f"answer {self.answer} but only {len(self.options)} options")
        return self


class SkillCheck(BaseModel):
    course: str = ""
    pass_mark: int = Field(ge=1)
    questions: list[Question] = Field(min_length=1, max_length=QUESTIONS_PER_ATTEMPT - 1)

    @model_validator(mode="after")
    def _pass_mark_is_reachable(self) -> SkillCheck:
        if self.pass_mark > len(self.questions):
            raise ValueError(f"pass_mark {self.pass_mark} but {len(self.questions)} questions")
        return self


class SkillChecksFileError(Exception):
    """The YAML file can't be used; the message says where and why."""


def load_checks(path: str | Path | None = None) -> dict[str, SkillCheck]:
    """Checks by skill name as written; codes are resolved against the catalogue when used."""
    source = Path(path) if path else DEFAULT_FILE
    try:
        raw = yaml.safe_load(source.read_text(encoding="utf-8")) or {}
        if not isinstance(raw, dict):
            raise SkillChecksFileError(f"{source}: expected skills at the top level")
        return {str(name): SkillCheck.model_validate(check) for name, check in raw.items()}
    except (OSError, yaml.YAMLError) as err:
        raise SkillChecksFileError(f"{source}: {err}") from err
    except ValidationError as err:
        raise SkillChecksFileError(f"{source}: {err}") from err


def by_code(checks: dict[str, SkillCheck], skills: SkillCatalogue) -> dict[str, SkillCheck]:
    found = {}
    for name, check in checks.items():
        try:
            found[skills.resolve(name)] = check
        except DomainError:
            continue  # a check for a skill this community doesn't list yet
    return found


NO_CHECKS_HERE = N_(
    "This community doesn't run skill checks; your skills, your record and your ratings "
    "speak for you."
)


async def learn(
    uow: UnitOfWork, settings: Settings, skill: str = "", community_id: int | None = None
) -> str:
    """/learn: the skill checks there are, with their courses (none where a community has
    switched them off)."""
    courses = await mapped_courses(uow, community_id, skill)
    if not (await community_settings(uow, settings, community_id)).skill_checks:
        return "\n".join([_(NO_CHECKS_HERE), *courses])
    skills = await catalogue(uow)
    checks = by_code(load_checks(settings.skill_checks_file), skills)
    if skill.strip():
        code = skills.resolve(skill)
        if code not in checks:
            none = _("There's no skill check for {skills} yet.", skills=skills.name(code).lower())
            return "\n".join([none, *courses])
        checks = {code: checks[code]}
    if not checks:
        return "\n".join([_("There are no skill checks yet; moderators can add them."), *courses])
    lines = [_("Skill checks (pass one to show a verified badge; offers count it):")]
    for code, check in sorted(checks.items()):
        course = _(" Course: {course}", course=check.course) if check.course else ""
        lines.append(
            _(
                "• {skills}: {count} questions, pass with {pass_mark}. Type /quiz {skills2}.{course}",
                skills=skills.name(code),
                count=len(check.questions),
                pass_mark=check.pass_mark,
                skills2=skills.name(code).lower(),
                course=course,
            )
        )
    return "\n".join([*lines, *courses])


async def mapped_courses(uow: UnitOfWork, community_id: int | None, skill: str = "") -> list[str]:
    """The community's learning-site courses that count for a skill, as /learn lists them."""
    from core.lms.connecting import connected_site  # the learning site is optional
    from core.lms.site import course_link

    site = await connected_site(uow, community_id)
    if site is None:
        return []
    query = select(LearningCourse).where(LearningCourse.community_id == site.community_id)
    skills = await catalogue(uow)
    if skill.strip():
        query = query.where(LearningCourse.skill_code == skills.resolve(skill))
    rows = (await uow.session.scalars(query.order_by(LearningCourse.skill_code))).all()
    if not rows:
        return []
    lines = [
        _(
            "Courses on {site_name} that count (finish one to be verified):",
            site_name=site.site_name,
        )
    ]
    lines += [
        f"• {skills.name(row.skill_code)}: {row.name} ({_(LEVEL_NAMES[row.level])}) "
        f"{course_link(site.url, row.course_id)}"
        for row in rows
    ]
    lines.append(_("Link your account there with /lms link <username or email>."))
    return lines


async def start_quiz(
    cmd: StartQuiz, uow: UnitOfWork, settings: Settings
) -> tuple[str, list[Action]]:
    member = await member_of(uow, cmd.actor)
    if not (await community_settings(uow, settings, cmd.actor.community_id)).skill_checks:
        raise DomainError(_(NO_CHECKS_HERE))
    skills = await catalogue(uow)
    code = skills.resolve(cmd.skill)
    check = by_code(load_checks(settings.skill_checks_file), skills).get(code)
    name = skills.name(code).lower()
    if check is None:
        raise DomainError(
            _("There's no skill check for {name} yet; /learn lists the ones there are.", name=name)
        )
    owned = await uow.session.get(MemberSkill, {"member_id": member.id, "skill_code": code})
    if owned is None:
        raise DomainError(_("Add {name} to your profile first: /profile skills {name}.", name=name))
    if owned.verified_at is not None:
        return _("You're already verified in {name}. Nothing more to do!", name=name), []
    last = await uow.session.scalar(
        select(QuizAttempt)
        .where(QuizAttempt.member_id == member.id, QuizAttempt.skill_code == code)
        .order_by(QuizAttempt.id.desc())
        .limit(1)
    )
    if last is not None and last.passed is False and last.finished_at is not None:
        again = last.finished_at + timedelta(hours=settings.quiz_retry_hours)
        if uow.now() < again:
            raise DomainError(
                _(
                    "You can take the {name} check again from {local_time_text}. ",
                    name=name,
                    local_time_text=local_time_text(again, member),
                )
                + (_("Meanwhile: {course}", course=check.course) if check.course else "")
            )
    attempt = QuizAttempt(member_id=member.id, skill_code=code, answers=[], started_at=uow.now())
    uow.session.add(attempt)
    await uow.session.flush()
    return _question(
        attempt,
        check,
        0,
        _("The {name} check: {pass_mark} right to pass.\n", name=name, pass_mark=check.pass_mark),
    )


def _question(
    attempt: QuizAttempt, check: SkillCheck, n: int, before: str = ""
) -> tuple[str, list[Action]]:
    question = check.questions[n]
    number = attempt.id * QUESTIONS_PER_ATTEMPT + n
    return (
        _(
            "{before}Question {value} of {count}: {ask}",
            before=before,
            value=n + 1,
            count=len(check.questions),
            ask=question.ask,
        ),
        [Action(label=o[:80], token=f"q{i}:{number}") for i, o in enumerate(question.options, 1)],
    )


async def answer_quiz(
    cmd: AnswerQuiz, uow: UnitOfWork, settings: Settings, files: FileStore
) -> tuple[str, list[Action]]:
    attempt = await uow.session.get(QuizAttempt, cmd.attempt_id)
    if attempt is None:
        raise StaleAction(_("That question is no longer open; type /learn to start a check."))
    if attempt.member_id != cmd.actor.member_id:
        raise NotAllowed(_("That skill check belongs to someone else."))
    if attempt.finished_at is not None or cmd.question != len(attempt.answers):
        raise StaleAction(_("You've already answered that question."))
    skills = await catalogue(uow)
    check = by_code(load_checks(settings.skill_checks_file), skills).get(attempt.skill_code)
    if check is None or cmd.question >= len(check.questions):
        raise StaleAction(_("That skill check has changed; type /learn to start again."))
    attempt.answers = [*attempt.answers, cmd.option]
    if len(attempt.answers) < len(check.questions):
        return _question(attempt, check, len(attempt.answers))
    right = sum(
        given == q.answer for given, q in zip(attempt.answers, check.questions, strict=True)
    )
    attempt.finished_at, attempt.passed = uow.now(), right >= check.pass_mark
    name = skills.name(attempt.skill_code).lower()
    if not attempt.passed:
        course = _(" This course may help: {course}.", course=check.course) if check.course else ""
        return (
            _(
                "{right} of {count} right; {pass_mark} pass.{course} You can try again in {quiz_retry_hours:g} hours with /quiz {name}.",
                right=right,
                count=len(check.questions),
                pass_mark=check.pass_mark,
                course=course,
                quiz_retry_hours=settings.quiz_retry_hours,
                name=name,
            ),
            [],
        )
    owned = await uow.session.get_one(
        MemberSkill, {"member_id": attempt.member_id, "skill_code": attempt.skill_code}
    )
    owned.verified_at = uow.now()
    issued = await award_skill_check(
        uow,
        settings,
        files,
        member_id=attempt.member_id,
        skill_code=attempt.skill_code,
        community_id=cmd.actor.community_id,
        right=right,
        total=len(check.questions),
    )
    credential = _(" Your credential for it is on its way in a message.") if issued else ""
    return (
        _(
            "{right} of {count} right: you passed! Your {name} is now verified, and offers for it will count that.{credential}",
            right=right,
            count=len(check.questions),
            name=name,
            credential=credential,
        ),
        [],
    )
