-- When a référent's last immediate e-mail went out (delivery.py: at most one immediate e-mail a
-- référent every SPIE_EMAIL_SPACING_SECONDS; the alerts that follow wait and go together).
create index deliveries_immediate_sent on deliveries (referent_id, sent_at)
    where channel = 'email' and not digest and status = 'sent';
