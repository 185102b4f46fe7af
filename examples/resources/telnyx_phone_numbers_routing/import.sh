# Every number routed to a connection, by the connection's id ...
terraform import telnyx_phone_numbers_routing.contact_centre 1293384261075731499
# ... or these numbers (E.164, separated by commas; they must share one connection).
terraform import telnyx_phone_numbers_routing.contact_centre +13125550100,+13125550101,+13125550102
