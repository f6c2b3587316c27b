"""Human-written text: support tickets, e-mails, chat logs, meeting notes."""

from __future__ import annotations

SIGNATURES = (
    "\n--\n«name:a»\n«job»\n«Mobile|Tel|M|Phone|Direct»: «phone»\n",
    "\nBest regards,\n«name:a»\n«address»\n«phone»\n",
    "\nCheers,\n«first:a»\n",
    "\nKind regards / Mit freundlichen Grüßen\n«name:a» | «job» | «domain»\n",
    "\nThanks,\n«name:a»\nT «phone» · «email:a»\n",
    "\nSent from my phone\n",
)

TICKET = (
    """Ticket «order» — «Login loop|Refund request|Card declined|Cannot update address|Account locked»
Requester: «name:a» <«email:a»>
Priority: «P2|P3|High|Normal»
Product: «product»

Hi support, «I was charged twice|my card keeps getting declined|I can't log in since the update». The card on file is «card», expiry «n:1-12»/«n:26-31». «filler»
You can call me on «phone» «after 5pm|any time|before noon».
«SIG»""",
    """#«n:10000-99999» [«Billing|Account|Shipping»] opened by «name:a»
Customer wrote:
> Please change the delivery address to «address». My phone is «phone».
> «filler»
Agent note («first:b»): verified identity with DOB «dob» and last order «order».
""",
    """Subject: Refund to bank account
From customer «name:a»:
«Hello|Hi there|Good morning»,
please refund the «amount» to my account. IBAN: «iban»
Account holder: «name:a»
«filler»
«SIG»""",
    """Support case «order» — escalated to «team»
Caller «name:a» (SSN on file «ssn», verified) reports that «the direct deposit failed|their W-2 is missing».
Bank routing number «routing», checking account «account».
Internal note: «filler»
""",
    """HELPDESK «order»
Reporter: «first:a» «family:a» («email:a»)
Issue: «VPN drops every 10 min|Laptop won't boot after BIOS update|Outlook keeps asking for my password»
Asset: «product», serial «tracking»
Remote session from «ip» at «time».
Note: user shared their password in chat («password») — asked them to reset it.
«filler»""",
    """Ticket: «order» | Customer: «name:a» | Tier: «Gold|Silver|Free»
Driver licence on ID check: «dl», passport «passport».
«filler»
Next step: «team» to confirm identity.""",
)

TICKET_CLEAN = (
    """Ticket «order» — «Dashboard slow|Export to CSV fails|Dark mode glitch»
Requester: «team»
Priority: «P3|Low»
Product: «product» «version»

Steps to reproduce:
1. Open «product» and go to Settings.
2. Click Export.
Expected: a CSV. Actual: spinner forever. Request id «reqid».
«filler»
«prose»""",
    """#«n:10000-99999» [«Billing|Account»] opened via web form
The «job» reports that invoice «order» shows «amount» twice. «filler»
Card number field shows «placeholder». Reference: «nonluhn».
Resolved by «team» on «date».""",
    """HELPDESK «order»
Issue: password reset link expired. «prose»
Asset: «product», build «version», host «pod» («private_ip»)
Resolution: re-sent link; «filler»""",
)

EMAIL = (
    """From: «name_email:a»
To: «name_email:b»
Cc: «email:c»
Date: «date»
Subject: «Re: |Fwd: |»«contract renewal|onboarding paperwork|payroll change|site visit»

«Hi|Dear|Hello|Hallo|Bonjour» «first:b»,

«Attached is the signed form.|As discussed on the call, here are my details.|Following up on my earlier note.»
«My new address is «address».|Please use my personal number «phone» from now on.|My date of birth is «dob», as requested by HR.»
«filler»

«SIG»""",
    """«MARKING»From: «name:a» <«email:a»>
«MARKING»Sent: «date»
To: Legal <«role_email»>
Subject: Draft settlement

«first:b», the draft is below. «prose»
Wire to IBAN «iban» (account name «name:c»).
«filler»
«SIG»""",
    """To: «email:b»
From: «email:a»
Subject: New starter — «name:c»

Hi «first:b»,
«name:c» starts on «date». Payroll needs: NI number «nino», bank IBAN «iban».
Home address: «address»
«SIG»""",
    """From: «name_email:a»
To: «name_email:b»
Subject: «AWS keys for the demo|creds for staging|quick favour»

hey «first:b», here are the keys «you asked for|for the demo», don't share:
«secret:env»«secret:env»
«filler»
«SIG»""",
    """-----Original Message-----
From: «name:a» [mailto:«email:a»]
Sent: «date»
To: «name:b»
Subject: RE: Patient transfer

«first:b», patient «name:c» (NHS no. «nhs», DOB «dob») is being transferred on «date».
«SIG»""",
)

EMAIL_CLEAN = (
    """From: «team» (via «product»)
Date: «date»
Subject: [«product»] Weekly digest

«prose»
- Release «version» shipped (commit «short_sha»).
- «filler»
- «filler»
You are receiving this because you watch the «product» project.""",
    """Subject: Re: Q3 planning
Date: «date»

Hi all,
«prose» The «job» will share the roadmap on «date». «filler»
Budget line «order» stays at «amount».
Thanks,
«team»""",
    """Subject: Your order «order» has shipped
Tracking number: «tracking»
Order total: «amount»
Questions? Reply to this e-mail. «prose»""",
)

CHAT = (
    lambda rng: "\n".join(
        rng.choice((
            "[«time»] «first:a»: «hey|hi|morning» — «anyone seen this?|prod is flaky again|deploy done»",
            "[«time»] «first:b»: «filler»",
            "[«time»] «first:a»: try with my token «github»",
            "[«time»] «first:b»: pw for the staging db is «password» btw",
            "[«time»] «first:a»: the customer's card «card» got declined again",
            "[«time»] «first:c»: call me «phone»",
            "[«time»] «first:b»: «prose»",
            "[«time»] «first:c»: here's the jwt from the failing request: «jwt»",
            "[«time»] «first:a»: «slack» is the webhook, careful",
            "[«time»] «first:b»: this is what I have in my .env:\n«secret:env»",
            "[«time»] «first:c»: ```\n«secret»```",
        ))
        for _ in range(rng.randint(4, 12))
    ),
    """«name:a»  «time»
can you check why the export for «name:c» failed? their email is «email:c»
«name:b»  «time»
looks like «filler»
«name:a»  «time»
ok. also their new mobile is «phone»""",
    """<«first:a»> getting 401 with OPENAI_API_KEY=«openai»
<«first:b»> rotate it, you just pasted it in the channel
<«first:a»> oops. «filler»
<«first:b»> also the anthropic one in the README: «anthropic»""",
)

CHAT_CLEAN = (
    lambda rng: "\n".join(
        rng.choice((
            "[«time»] «team»: «filler»",
            "[«time»] bot: deploy of «version» to «pod» finished",
            "[«time»] «team»: «prose»",
            "[«time»] ci: build «order» passed (commit «short_sha»)",
            "[«time»] «team»: token is in the vault, not here: «placeholder»",
            "[«time»] «team»: ask the «job»",
        ))
        for _ in range(rng.randint(4, 12))
    ),
)

MEETING = (
    """Meeting notes — «date»
Attendees: «name:a», «name:b», «name:c», «job»
«MARKING»
1. Hiring: offer to «name:d» approved («amount»). Reference check with «name:e» («phone»).
2. «filler»
3. Action: «first:a» to send the contract to «email:d».
""",
    """1:1 «first:a» / «first:b» — «date»
- «first:b» moving to «address» next month; update HR record.
- Emergency contact: «name:c», «phone»
- «filler»""",
)

MEETING_CLEAN = (
    """Sprint review — «date»
Attendees: «team», «job», «job»
- Demoed «product» integration («version»).
- «filler»
- «prose»
Action items: «order», «order».""",
    """Retro notes
What went well: on-call handover, «product» dashboards.
What didn't: flaky tests in «pod». «filler»
Decision: «prose»""",
)

KINDS = {
    "ticket": (TICKET, TICKET_CLEAN),
    "email": (EMAIL, EMAIL_CLEAN),
    "chat": (CHAT, CHAT_CLEAN),
    "meeting_notes": (MEETING, MEETING_CLEAN),
}


def _register() -> None:
    from benchmarks.corpus.template import Ctx, Part, render_template_tree, slot

    @slot("SIG")
    def _sig(ctx: Ctx, arg: str) -> list[Part]:
        return render_template_tree(ctx.rng.choice(SIGNATURES), ctx)

    @slot("MARKING")
    def _marking_line(ctx: Ctx, arg: str) -> list[Part]:
        return render_template_tree(ctx.rng.choice(("«marking»\n", "«marking»\n", "")), ctx)


_register()

TICKET += (
    """Zendesk #«n:100000-999999»
Subject: «Adresse ändern|Change of address|Mudanza»
«name:a» wrote on «date»:
«Hallo, bitte ändern Sie meine Adresse auf «address».|Hello, I moved to «address», please update it.»
«Tel.|Phone|Teléfono»: «phone»
---
«first:b» (agent): done, confirmation sent to «email:a».
«filler»""",
    """[Freshdesk] Ticket «order» reopened
Contact: «name:a» · «email:a» · «phone»
Message: «the refund hasn't arrived|still waiting on my replacement»; my bank is «iban» «|(business account)».
Agent «first:b»: «filler»""",
)

TICKET_CLEAN += (
    """Ticket «order» — «SSO error|Report export timeout»
Affected: «n:2-40» users in «team». Browser: Firefox «version».
Error text: "Invalid token" — token value redacted («placeholder»).
Workaround: clear cookies. «filler»
Assigned to: «job»""",
    """Bug «order»: card form accepts invalid numbers
Steps: type «nonluhn» into the card field → form says valid.
Expected: Luhn check fails. Build «version» («short_sha»).
«prose»""",
)

EMAIL += (
    """From: «name_email:a»
To: «role_email»
Subject: «Expense claim|Reimbursement» «order»

Hello,
please reimburse «amount» to card «card» (the one ending in my name, «name:a»).
I'm travelling; reach me on «phone».
«SIG»""",
    """Von: «name:a» <«email:a»>
An: «name:b» <«email:b»>
Betreff: Unterlagen

Hallo «first:b»,
anbei meine Daten für den Vertrag: Geburtsdatum «dob», Anschrift «address», IBAN «iban».
Viele Grüße
«first:a»""",
    """From: «email:a»
To: «email:b»
Subject: server access

«first:b» — VPN gateway is «ip», login «first:a», password «password». Please change it after the first login.
«filler»""",
)

EMAIL_CLEAN += (
    """Subject: Password rotation reminder
Date: «date»

This is an automated reminder: the shared service password will be rotated on «date».
You don't need to do anything. «prose»
— «team»""",
    """Subject: Out of office
I'm out until «date» with limited access to e-mail. For urgent matters contact the «job»
or the «team». Ticket numbers: «order», «order».""",
)

CHAT += (
    """#incident-«n:100-999»
«first:a»: prod DB is refusing connections
«first:b»: I can get in with DATABASE_URL=postgres://admin:«password»@10.0.3.12/orders
«first:a»: please don't paste that here
«first:c»: «filler»""",
    """«name:a» [«time»]: hey can you send the VAT invoice to my personal email «email:a»?
«name:b» [«time»]: sure — what's the billing address?
«name:a» [«time»]: «address»""",
)

CHAT_CLEAN += (
    """#deploys
ci-bot: «product» «version» rolled out to 3/3 regions
«team»: thanks! checksum «sha256»
ci-bot: canary «pod» healthy («private_ip»)""",
    """«team» [«time»]: anyone know why «product» says "password expired"?
«team» [«time»]: it's the service account, rotation is «date». «prose»
«team» [«time»]: ok ticket «order»""",
)

MEETING += (
    """Interview debrief — candidate «name:a»
Panel: «name:b», «name:c»
Notes: strong on systems design. «filler»
Candidate contact: «email:a», «phone». Current address «address».""",
    """Board minutes «date» — «marking»
Present: «name:a» (chair), «name:b», «name:c»
1. The chair noted the acquisition remains «confidential|under NDA».
2. «filler»""",
)

MEETING_CLEAN += (
    """Weekly sync «date»
- «job» to chase «order»
- «product» license renewal at «amount»
- «prose»""",
    """Planning poker — sprint «n:10-99»
Stories: «order» (5), «order» (8), «order» (3). Velocity «n:20-60».
«filler»""",
)

KINDS = {
    "ticket": (TICKET, TICKET_CLEAN),
    "email": (EMAIL, EMAIL_CLEAN),
    "chat": (CHAT, CHAT_CLEAN),
    "meeting_notes": (MEETING, MEETING_CLEAN),
}
