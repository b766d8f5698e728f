import time
from tests.flows import sign_up, create_employee

def test_probe(system, clock):
    t=time.time(); o=sign_up(system); print("signup", time.time()-t)
    t=time.time(); create_employee(o, "sales"); print("emp", time.time()-t)
    t=time.time(); r=o.client.get("/v1/catalog"); print("cat", time.time()-t, r.json())
    t=time.time(); r=o.client.post("/v1/accounts", json={"name":"a","contact_email":"a@b.test"}); print("acc", time.time()-t)
