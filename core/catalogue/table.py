"""Every command people can type, in the order /help lists them.

Adding a command is a row here and its core handler; each front end then offers it: Telegram
registers it and puts it in its menus, Discord makes it an app command, the web gives it a
page, and /help and "did you mean" know it.
"""

from __future__ import annotations

from core import commands as c
from core import views
from core.actors import Role
from core.audit import audit_view
from core.catalogue import runners
from core.catalogue.shapes import (
    IN_THE_COMMUNITY,
    Entry,
    Option,
    Place,
)
from core.language import N_
from core.owed import money_owed

ITEM = Option("item", N_("the work item's number"), "12", required=True)
OFFER = Option("offer", N_("the offer's number"), "12", required=True)
REFERENCE = Option("reference", N_("the bank reference"), "<bank ref>")
SKILL = Option("skill", N_("one skill, or leave empty for all"), "proofreading", suggests="skills")


PARENTS = (
    Entry(
        "available",
        Role.PARENT,
        N_("get paid work offers by DM for a while"),
        "[2h | until 15:00 | tonight] [for proofreading]",
        (
            Option("when", N_("2h, until 15:00 or tonight (empty: 2 hours)"), "2h"),
            Option("skills", N_("only these skills"), "proofreading", suggests="skills"),
        ),
        menu=True,
        web_page="home",
    ),
    Entry(
        "unavailable",
        Role.PARENT,
        N_("stop getting offers"),
        menu=True,
        run=runners.sends(lambda a, t: c.GoUnavailable(actor=a)),
        web_page="home",
    ),
    Entry(
        "schedule",
        Role.PARENT,
        N_("regular hours that switch offers on and off (/schedule clear removes them)"),
        "mon-fri 20:00-22:00",
        (
            Option(
                "hours",
                N_("like: weekdays 20:00-22:00, or clear (empty: show them)"),
                "mon-fri 20:00-22:00",
            ),
        ),
        run=runners.schedule,
    ),
    Entry(
        "profile",
        Role.PARENT,
        N_("see or change your skills, rate, timezone and quiet hours"),
        "[skills | rate | timezone | quiet | jobs | bio | prefer] <value>",
        (
            Option("timezone", N_("your timezone"), "Europe/London"),
            Option("rate", N_("lowest hourly rate, like £15"), "£15"),
            Option("quiet", N_("quiet hours, like 22:00-07:00"), "22:00-07:00"),
            Option("prefer", N_("work you'd rather get, like design, emails"), "design"),
            Option("jobs", N_("how many jobs at once (1-5)"), "2"),
        ),
        menu=True,
        web_page="profile",
        notes={"discord": N_("a form opens when you give no options")},
    ),
    Entry(
        "language",
        Role.PARENT,
        N_("the language you read: en (English) or es (Español)"),
        "[en | es | auto]",
        (Option("language", N_("en, es, or auto for your app's language"), "es"),),
        run=runners.sends(lambda a, t: c.ChooseLanguage(actor=a, language=t["language"])),
    ),
    Entry(
        "status",
        Role.PARENT,
        N_("whether you're available, your jobs and your offers"),
        menu=True,
        run=runners.reads(lambda uow, a, t: views.status(uow, a)),
        web_page="home",
    ),
    Entry(
        "offers",
        Role.PARENT,
        N_("offers waiting for your answer"),
        menu=True,
        run=runners.reads(lambda uow, a, t: views.offers(uow, a)),
        web_page="home",
    ),
    Entry(
        "jobs",
        Role.PARENT,
        N_("work you're doing"),
        menu=True,
        run=runners.reads(lambda uow, a, t: views.jobs(uow, a)),
        web_page="home",
    ),
    Entry(
        "earnings",
        Role.PARENT,
        N_("what you've been paid and what is owed to you"),
        menu=True,
        run=runners.reads(lambda uow, a, t: views.earnings(uow, a)),
        web_page="home",
    ),
    Entry(
        "why",
        Role.PARENT,
        N_("why an offer came to you"),
        "<offer#>",
        (OFFER,),
        run=runners.reads(
            lambda uow, a, t: views.why(uow, a, runners.number(t, "offer", "offer", "/why 12"))
        ),
    ),
    Entry(
        "submit",
        Role.PARENT,
        N_("deliver your work"),
        "<item#> <your work or a link>",
        (
            ITEM,
            Option("work", N_("your work, or a link to it"), "<your work or a link>", long=True),
        ),
        web_page="home",  # each job on the day's page has its own delivery form
        notes={
            "telegram": N_("or send a file with that caption"),
            "discord": N_("or attach a file"),
        },
    ),
    Entry(
        "skills",
        Role.PARENT,
        N_("the skills work can ask for"),
        run=runners.reads(runners.skills),
    ),
    Entry(
        "link",
        Role.PARENT,
        N_("join your Telegram and Discord accounts"),
        "[code]",
        (
            Option(
                "code",
                N_("the code from /link in the other app (empty: make a code here)"),
                "<code>",
            ),
        ),
        places=frozenset({Place.GROUP, Place.PRIVATE}),
        run=runners.link,
    ),
    Entry(
        "payouts",
        Role.PARENT,
        N_("set up how you get paid"),
        run=runners.sends(lambda a, t: c.SetUpPayouts(actor=a)),
    ),
    Entry(
        "payoutdetails",
        Role.PARENT,
        N_("the bank account the moderators pay you into (privately)"),
        web_page="home",
    ),
    Entry(
        "block",
        Role.PARENT,
        N_("never be matched with that item's other side again (/unblock undoes it)"),
        "<item#>",
        (ITEM,),
        run=runners.block(undo=False),
    ),
    Entry(
        "unblock",
        Role.PARENT,
        N_("undo a block"),
        "<item#>",
        (ITEM,),
        run=runners.block(undo=True),
    ),
    Entry(
        "report",
        Role.PARENT,
        N_("tell the moderators about a message or a person"),
        "<what happened>",
        (
            Option("what", N_("what happened"), "<what happened>", required=True, long=True),
            Option(
                "message_link",
                N_("the message's link (right click, Copy Message Link)"),
                "<its link>",
            ),
        ),
        places=frozenset({Place.GROUP, Place.PRIVATE}),  # about a message in the chats
        notes={"telegram": N_("reply to a message to include it")},
    ),
    Entry(
        "ask",
        Role.PARENT,
        N_("ask the community's help channel"),
        "[anonymously] <question>",
        (Option("question", N_("your question"), "<question>", required=True, long=True),),
        places=frozenset({Place.GROUP, Place.PRIVATE}),
    ),
    Entry(
        "learn",
        Role.PARENT,
        N_("skill checks and their courses"),
        "[skill]",
        (SKILL,),
        run=runners.learn,
    ),
    Entry(
        "quiz",
        Role.PARENT,
        N_("take a skill check for a verified badge"),
        "<skill>",
        (Option("skill", N_("which skill"), "proofreading", required=True, suggests="skills"),),
        places=frozenset({Place.GROUP, Place.PRIVATE}),
        run=runners.quiz,
    ),
    Entry(
        "week",
        Role.PARENT,
        N_("your week: hours free and working, what's due, what you earned"),
        "[on|off]",
        (
            Option(
                "note",
                N_("on or off: the week's summary on Sunday evenings"),
                "on",
                choices=("on", "off"),
            ),
        ),
        run=runners.week,
        web_page="week",
    ),
    Entry(
        "calendar",
        Role.PARENT,
        N_("a private address for your family calendar (Google, Apple, Outlook)"),
        "[reset]",
        (
            Option(
                "reset", N_("reset: a new address, the old one stops"), "reset", choices=("reset",)
            ),
        ),
        run=runners.calendar,
    ),
    Entry(
        "household",
        Role.PARENT,
        N_("plan with your partner: see each other's hours and jobs"),
        "[invite @partner|leave|one|both|offers on|off|earnings on|off]",
        (
            Option(
                "what",
                N_("empty to see it; invite, leave, one, both, earnings"),
                "invite",
                choices=("invite", "leave", "one", "both", "offers", "earnings"),
            ),
            Option("who", N_("their @username (invite), or on/off (offers, earnings)"), "@sam"),
        ),
        run=runners.household,
    ),
    Entry(
        "lms",
        Role.PARENT,
        N_("the community's courses (Moodle): link your account; moderators connect and map"),
        "[link <username or email>|code <code>|connect <address>|courses|map <course> <skill> "
        "[level]|unmap <course>|sync|disconnect]",
        (
            Option(
                "what",
                N_(
                    "empty to see it; link or code; moderators: connect, courses, map, unmap, sync…"
                ),
                "link",
                choices=runners.LMS_CHOICES,
            ),
            Option(
                "details", N_("what goes with it: a username, a code, an address, a course"), "<…>"
            ),
        ),
        run=runners.lms,
        moderators_too=True,
    ),
    Entry(
        "lmstoken",
        Role.PARENT,
        N_("give the learning site's token a /lms connect asked you for (privately)"),
        "<token>",
        (
            Option(
                "token", N_("the site's web-service token"), "<token>", required=True, secret=True
            ),
        ),
        places=frozenset({Place.PRIVATE, Place.WEB}),
        run=runners.lms_token,
    ),
    Entry(
        "record",
        Role.PARENT,
        N_("your work record and credentials, to share with anyone"),
        "[share|stop|earnings on|earnings off]",
        (
            Option(
                "what",
                N_("empty to see it; share, stop, or earnings on/off"),
                "share",
                choices=runners.RECORD_CHOICES,
            ),
        ),
        menu=True,
        run=runners.record,
        web_page="record",
    ),
    Entry(
        "mydata",
        Role.PARENT,
        N_("everything stored about you, as a file"),
        places=frozenset({Place.GROUP, Place.PRIVATE}),
    ),
    Entry(
        "forgetme",
        Role.PARENT,
        N_("erase everything stored about you"),
        "[yes]",
        (Option("confirm", N_("type yes to go ahead"), "yes"),),
        places=frozenset({Place.GROUP, Place.PRIVATE}),  # not the web: it ends the session's person
        run=runners.sends(lambda a, t: c.ForgetMe(actor=a, confirm=t.get("confirm", ""))),
    ),
    Entry(
        "business",
        Role.PARENT,
        N_("register or update a business, to post work"),
        "<name>, <contact>",
        (
            Option("name", N_("your business's name"), "<name>", required=True),
            Option(
                "contact", N_("an email or phone for the moderators"), "<contact>", required=True
            ),
        ),
        separator=",",
        run=runners.business,
    ),
    Entry(
        "help",
        Role.PARENT,
        N_("everything you can type"),
        menu=True,
        private_answer=False,
        run=runners.help,
    ),
)

BUSINESSES = (
    Entry(
        "post",
        Role.BUSINESS,
        N_("post a piece of paid work"),
        menu=True,
        web_page="post",
        notes={
            "telegram": N_("you'll be asked step by step; /stop drops it"),
            "discord": N_("a form opens"),
        },
    ),
    Entry(
        "postproject",
        Role.BUSINESS,
        N_("post larger work in milestones, each paid on its own"),
        web_page="project_form",
        notes={
            "telegram": N_("you'll be asked step by step; /stop drops it"),
            "discord": N_("a form opens"),
        },
    ),
    Entry(
        "project",
        Role.PARENT,
        N_("your projects; with a number, where each milestone stands (add cancel to cancel)"),
        "[<project#> [cancel]]",
        (
            Option("project", N_("the project's number (empty: all yours)"), "3"),
            Option(
                "choice",
                N_("cancel, to cancel what isn't delivered"),
                "cancel",
                choices=("cancel",),
            ),
        ),
        run=runners.project,
        web_page="projects",
    ),
    Entry(
        "myitems",
        Role.BUSINESS,
        N_("your posted work and where each item is"),
        run=runners.reads(lambda uow, a, t: views.my_items(uow, a)),
        web_page="items",
    ),
    Entry(
        "statement",
        Role.BUSINESS,
        N_("what you've paid and what came back, item by item"),
        run=runners.reads(lambda uow, a, t: views.statement(uow, a)),
    ),
    Entry(
        "cancel",
        Role.BUSINESS,
        N_("cancel work before a parent accepts it"),
        "<item#>",
        (Option("item", N_("the work item's number"), "12"),),
        run=runners.cancel,
    ),
    Entry(
        "showname",
        Role.BUSINESS,
        N_("whether parents' work records and credentials may name your business"),
        "on|off",
        (Option("choice", N_("on or off"), "on", required=True, choices=("on", "off")),),
        run=runners.showname,
    ),
)


MODERATORS = (
    Entry(
        "funded",
        Role.MODERATOR,
        N_("a business's payment arrived"),
        "<item#> [reference]",
        (ITEM, REFERENCE),
        places=IN_THE_COMMUNITY,
        private_answer=False,
        run=runners.by_hand(
            lambda a, n, ref: c.ConfirmFunding(actor=a, work_id=n, reference=ref),
            "item",
            "/funded 12 bank ref 0302",
        ),
    ),
    Entry(
        "owed",
        Role.MODERATOR,
        N_("payouts owed to parents and refunds owed to businesses"),
        places=IN_THE_COMMUNITY,
        private_answer=False,
        run=runners.reads(lambda uow, a, t: money_owed(uow, a)),
        web_page="moderate",
    ),
    Entry(
        "paid",
        Role.MODERATOR,
        N_("you paid a parent by hand"),
        "<payout#> [reference]",
        (Option("payout", N_("the payout's number"), "3", required=True), REFERENCE),
        places=IN_THE_COMMUNITY,
        private_answer=False,
        run=runners.by_hand(
            lambda a, n, ref: c.ConfirmPayout(actor=a, payout_id=n, reference=ref),
            "payout",
            "/paid 3 transfer 0302-1",
        ),
    ),
    Entry(
        "refunded",
        Role.MODERATOR,
        N_("you refunded a business by hand"),
        "<item#> [reference]",
        (ITEM, REFERENCE),
        places=IN_THE_COMMUNITY,
        private_answer=False,
        run=runners.by_hand(
            lambda a, n, ref: c.ConfirmRefund(actor=a, work_id=n, reference=ref),
            "item",
            "/refunded 12 transfer 0302-7",
        ),
    ),
    Entry(
        "verify",
        Role.MODERATOR,
        N_("verify a business"),
        "<business#>",
        (Option("business", N_("the business's number"), "4", required=True),),
        places=IN_THE_COMMUNITY,
        private_answer=False,
        run=runners.sends(
            lambda a, t: c.VerifyBusiness(
                actor=a, business_id=runners.number(t, "business", "business", "/verify 4")
            )
        ),
    ),
    Entry(
        "disputes",
        Role.MODERATOR,
        N_("open disputes, with what was delivered"),
        places=IN_THE_COMMUNITY,
        private_answer=False,
        run=runners.reads(lambda uow, a, t: views.disputes(uow, a)),
        web_page="moderate",
    ),
    Entry(
        "resolve",
        Role.MODERATOR,
        N_("decide a dispute"),
        "<item#> pay | refund | split £10",
        (
            ITEM,
            Option(
                "decision",
                N_("who it is decided for"),
                "pay",
                required=True,
                choices=("pay", "refund", "split"),
            ),
            Option("amount", N_("for a split: the parent's part, like £10"), "£10"),
        ),
        places=IN_THE_COMMUNITY,
        private_answer=False,
        run=runners.sends(
            lambda a, t: c.ResolveDispute(
                actor=a,
                work_id=runners.number(t, "item", "item", "/resolve 12 split £10"),
                outcome=t.get("decision", "").strip(),
                parent_amount=t.get("amount", "").strip(),
            )
        ),
    ),
    Entry(
        "ban",
        Role.MODERATOR,
        N_("suspend a member"),
        "@username [7d] [reason]",
        (
            Option("member", N_("who"), "@username", required=True),
            Option("duration", N_("like 7d (empty: until lifted)"), "7d"),
            Option("reason", N_("told to them"), "<reason>"),
        ),
        places=IN_THE_COMMUNITY,
        private_answer=False,
        web_page="moderate",
    ),
    Entry(
        "unban",
        Role.MODERATOR,
        N_("lift a suspension"),
        "@username",
        (Option("member", N_("who"), "@username", required=True),),
        places=IN_THE_COMMUNITY,
        private_answer=False,
        web_page="moderate",
    ),
    Entry(
        "stats",
        Role.MODERATOR,
        N_("how the community is doing"),
        places=IN_THE_COMMUNITY,
        private_answer=False,
        run=runners.reads(lambda uow, a, t: views.stats(uow, a)),
        web_page="moderate",
    ),
    Entry(
        "audit",
        Role.MODERATOR,
        N_("the latest moderator actions, reports and money movements"),
        places=IN_THE_COMMUNITY,
        private_answer=False,
        run=runners.reads(lambda uow, a, t: audit_view(uow, a)),
        web_page="moderate",
    ),
    Entry(
        "settings",
        Role.MODERATOR,
        N_("the community's fee, currency, timezone and moderation"),
        "[name value]",
        (
            Option(
                "name",
                N_(
                    "fee, currency, timezone, moderation, banned_words, offer_minutes, "
                    "urgent_offer_minutes; empty: all"
                ),
                "fee",
            ),
            Option("value", N_("the new value, e.g. 12.5% for the fee"), "12.5%"),
        ),
        places=frozenset({Place.GROUP}),
        private_answer=False,
    ),
    Entry(
        "setup",
        Role.MODERATOR,
        N_("in a new group or server, make it a community (administrators)"),
        places=frozenset({Place.GROUP}),
        private_answer=False,
    ),
)

COMMANDS: tuple[Entry, ...] = PARENTS + BUSINESSES + MODERATORS
assert len({e.name for e in COMMANDS}) == len(COMMANDS), "a command name is listed twice"
assert all(len(e.summary) <= 100 for e in COMMANDS), "Discord allows 100 characters"
